# Load with wrk (Debian package `wrk`). Source after bench/lib/common.sh.
#
# wrk_run LABEL URL CONNECTIONS DURATION THREADS BODIES_FILE: POSTs the bodies of BODIES_FILE in
# turn (bench/lib/post_bodies.lua) to URL on CONNECTIONS keep-alive connections for DURATION
# (wrk syntax: 10s) with THREADS wrk threads; a 2-second timeout per request. Saves wrk's
# output in $BENCH_TMP/wrk-LABEL.out and prints the script's JSON summary (requests,
# duration_us, errors, latency_us percentiles) with requests_per_s added. Fails when wrk fails or
# prints no summary. WRK_COMMAND (an array, default (wrk)) is how wrk is started, e.g.
# (taskset -c 1 wrk) to keep it on one CPU (bench/lib/cores.sh).
wrk_run() {
  local label=$1 url=$2 connections=$3 duration=$4 threads=$5 bodies=$6
  command -v wrk >/dev/null || bench_install_packages wrk
  [ "$threads" -le "$connections" ] || threads=$connections
  # The Lua script formats every request with this path (wrk would otherwise use the URL's).
  local rest=${url#*://*/} path=/
  [ "$rest" = "$url" ] || path="/$rest"
  BENCH_BODIES=$bodies BENCH_THREADS=$threads BENCH_PATH=$path \
    "${WRK_COMMAND[@]:-wrk}" -t "$threads" -c "$connections" -d "$duration" --timeout 2s --latency \
    -s "$BENCH_ROOT/bench/lib/post_bodies.lua" "$url" >"$BENCH_TMP/wrk-$label.out" 2>&1 ||
    { cat "$BENCH_TMP/wrk-$label.out" >&2; bench_die "wrk ($label) failed (its output is above)"; }
  "$PY" - "$BENCH_TMP/wrk-$label.out" <<'PY' || bench_die "wrk ($label) printed no summary: see $BENCH_TMP/wrk-$label.out"
import json, sys
for line in open(sys.argv[1]):
    if line.startswith("BENCH_JSON "):
        r = json.loads(line[len("BENCH_JSON "):])
        r["requests_per_s"] = round(r["requests"] / (r["duration_us"] / 1e6), 1)
        print(json.dumps(r))
        sys.exit(0)
sys.exit(1)
PY
}
