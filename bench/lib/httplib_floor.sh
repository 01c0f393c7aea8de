# The second HTTP floor: a trivial cpp-httplib server (bench/lib/httplib_trivial.cc), to tell
# the cost of the HTTP layer from the cost of routing. Source after bench/lib/common.sh.
#
# httplib_start BODY_BYTES WORKERS: compiles httplib_trivial.cc once per version of the source
# (cached as bench/.data/httplib_trivial-<sha>), starts it on a free 127.0.0.1 port answering
# BODY_BYTES bytes with WORKERS threads, checks one POST, sets HTTPLIB_URL and HTTPLIB_PID,
# and stops it at exit (or with httplib_stop).

httplib_start() {
  local bytes=$1 workers=$2 src="$BENCH_ROOT/bench/lib/httplib_trivial.cc" sha bin port
  sha=$(sha256sum "$src" | cut -c1-12)
  bin="$BENCH_ROOT/bench/.data/httplib_trivial-$sha"
  if [ ! -x "$bin" ]; then
    bench_say "compiling $src"
    mkdir -p "$BENCH_ROOT/bench/.data"
    # shellcheck disable=SC2046  # pkg-config prints a list of words
    c++ -std=c++20 -O2 -o "$bin.tmp" "$src" $(pkg-config --cflags --libs cpp-httplib) -pthread ||
      bench_die "compiling $src failed (libcpp-httplib-dev installed?)"
    mv "$bin.tmp" "$bin"
  fi
  port=$(bench_free_port)
  "$bin" "$port" "$bytes" "$workers" >"$BENCH_TMP/httplib.log" 2>&1 &
  HTTPLIB_PID=$!
  bench_on_exit 'httplib_stop'
  HTTPLIB_URL="http://127.0.0.1:$port"
  bench_wait_http "$HTTPLIB_URL/" 10
  echo '{}' >"$BENCH_TMP/httplib-probe.json"
  local got
  got=$("$PY" "$BENCH_ROOT/bench/lib/check_answers.py" --url "$HTTPLIB_URL/1.0/kamailio/routing" \
    --bodies "$BENCH_TMP/httplib-probe.json" --sample 1 --expect http200) || bench_die "httplib_trivial refused a POST: $got"
  [[ "$got" == *'"median": '"$bytes"','* ]] || bench_die "httplib_trivial answered other than $bytes bytes: $got"
}

httplib_stop() {
  [ -n "${HTTPLIB_PID:-}" ] || return 0
  kill -TERM "$HTTPLIB_PID" 2>/dev/null || true
  wait "$HTTPLIB_PID" 2>/dev/null || true
  HTTPLIB_PID=""
}
