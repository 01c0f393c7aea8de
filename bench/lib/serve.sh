# `c4confd serve` on an applied repository, for the HTTP benchmarks. Source after
# bench/lib/common.sh.
#
# c4_serve_start BIN REPO DBNAME [EXTRA SERVE ARGS...]: a fresh database DBNAME on the server of
# C4CONFD_DATABASE_URL (bench_database_server first), `BIN apply REPO` (untimed), then `BIN
# serve` on a free 127.0.0.1 port with its log in $BENCH_TMP/serve.log; waits up to 300 s for
# GET /status to answer. Sets C4_URL, C4_SERVE_PID and BENCH_DB_URL; stops serve at exit (TERM,
# then waits). C4CONFD_REDIS_URL is unset: the snapshot comes from PostgreSQL, and the Redis
# edge keys play no part in these paths.
c4_serve_start() {
  local bin=$1 repo=$2 db=$3 port
  shift 3
  "$bin" serve --help >/dev/null 2>&1 || bench_die "this c4confd has no serve command yet"
  unset C4CONFD_REDIS_URL
  bench_fresh_database "$db"
  bench_say "applying $repo (untimed)"
  "$bin" apply "$repo" --database-url "$BENCH_DB_URL" >"$BENCH_TMP/apply.out" 2>&1 ||
    { tail -n 20 "$BENCH_TMP/apply.out" >&2; bench_die "c4confd apply failed (output above)"; }
  port=$(bench_free_port)
  "$bin" serve --database-url "$BENCH_DB_URL" --listen "127.0.0.1:$port" "$@" >"$BENCH_TMP/serve.log" 2>&1 &
  C4_SERVE_PID=$!
  bench_on_exit 'c4_serve_stop'
  C4_URL="http://127.0.0.1:$port"
  bench_say "waiting for c4confd serve on $C4_URL"
  if ! bench_wait_http "$C4_URL/status" 300 2>/dev/null; then
    tail -n 30 "$BENCH_TMP/serve.log" >&2
    bench_die "c4confd serve did not answer on $C4_URL within 300 s (its log is above)"
  fi
}

c4_serve_stop() {
  [ -n "${C4_SERVE_PID:-}" ] || return 0
  kill -TERM "$C4_SERVE_PID" 2>/dev/null || true
  wait "$C4_SERVE_PID" 2>/dev/null || true
  C4_SERVE_PID=""
}
