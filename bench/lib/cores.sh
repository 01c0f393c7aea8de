# Splitting the cores between the servers and the load generator. Source after
# bench/lib/common.sh.
#
# On a 2-core machine a closed-loop load generator (wrk) and the server under test compete for
# the same CPUs: at saturation the scheduler preempts a server thread for a whole time slice
# (milliseconds) while the load generator runs, and that, not the server, sets the tail of the
# latencies. Giving the server one core and the load generator the other is what a separate
# client machine would do; every server of a run gets the same core, so the ratios stay like
# for like.

# pin_process_tree PID CPU: PID, every thread of it and of all its descendants, on CPU only
# (taskset -a). Fails when PID is gone.
pin_process_tree() {
  local pid=$1 cpu=$2 child
  taskset -a -p -c "$cpu" "$pid" >/dev/null || bench_die "could not pin process $pid to CPU $cpu"
  for child in $(pgrep -P "$pid" || true); do pin_process_tree "$child" "$cpu"; done
}
