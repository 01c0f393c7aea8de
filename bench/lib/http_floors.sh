# The compiled HTTP floors of bench/http_routing.sh, for information: trivial servers answering
# a fixed body, to tell what the HTTP layer costs from what routing costs. Source after
# bench/lib/common.sh.
#   httplib  bench/lib/httplib_trivial.cc: cpp-httplib, the library `c4confd serve` is built on
#   asio     bench/lib/asio_trivial.cc: an event-driven server on standalone Asio (libasio-dev)
#
# floor_server_start NAME BODY_BYTES WORKERS: compiles bench/lib/NAME_trivial.cc once per
# version of the source (cached as bench/.data/NAME_trivial-<sha>), starts it on a free
# 127.0.0.1 port answering BODY_BYTES bytes with WORKERS threads, checks one POST, sets
# FLOOR_URL[NAME], and stops it at exit (floor_servers_stop).

declare -A FLOOR_URL=() FLOOR_PID=()

floor_server_start() {
  local name=$1 bytes=$2 workers=$3 src sha bin port flags=()
  src="$BENCH_ROOT/bench/lib/${name}_trivial.cc"
  [ -f "$src" ] || bench_die "no floor server $name ($src)"
  case "$name" in
    # shellcheck disable=SC2207  # pkg-config prints a list of words
    httplib) flags=($(pkg-config --cflags --libs cpp-httplib)) ;;
    asio) bench_install_packages libasio-dev ;;
  esac
  sha=$(sha256sum "$src" | cut -c1-12)
  bin="$BENCH_ROOT/bench/.data/${name}_trivial-$sha"
  if [ ! -x "$bin" ]; then
    bench_say "compiling $src"
    mkdir -p "$BENCH_ROOT/bench/.data"
    c++ -std=c++20 -O2 -pthread -o "$bin.tmp" "$src" "${flags[@]}" || bench_die "compiling $src failed"
    mv "$bin.tmp" "$bin"
  fi
  port=$(bench_free_port)
  "$bin" "$port" "$bytes" "$workers" >"$BENCH_TMP/$name.log" 2>&1 &
  FLOOR_PID[$name]=$!
  if [ "${#FLOOR_PID[@]}" -eq 1 ]; then bench_on_exit 'floor_servers_stop'; fi
  FLOOR_URL[$name]="http://127.0.0.1:$port"
  bench_wait_http "${FLOOR_URL[$name]}/" 10
  echo '{}' >"$BENCH_TMP/$name-probe.json"
  local got
  got=$("$PY" "$BENCH_ROOT/bench/lib/check_answers.py" --url "${FLOOR_URL[$name]}/1.0/kamailio/routing" \
    --bodies "$BENCH_TMP/$name-probe.json" --sample 1 --expect http200) || bench_die "${name}_trivial refused a POST: $got"
  [[ "$got" == *'"median": '"$bytes"','* ]] || bench_die "${name}_trivial answered other than $bytes bytes: $got"
}

floor_servers_stop() {
  local name
  for name in "${!FLOOR_PID[@]}"; do
    kill -TERM "${FLOOR_PID[$name]}" 2>/dev/null || true
    wait "${FLOOR_PID[$name]}" 2>/dev/null || true
  done
  FLOOR_PID=()
}
