#!/usr/bin/env bash
# Measures the HTTP server on a trivial route with wrk: with the connection handling of
# cpp-httplib's defaults (no TCP_NODELAY, 5 requests per keep-alive connection) and with our
# tuning (TCP_NODELAY, keep-alive limit 10,000); the route answered on the I/O threads (inline,
# like the Kamailio routes) or through the worker pool (pooled, like the REST routes).
#
#   bench/http_server.sh                  # wrk -t2 -c16 -d5s per configuration
#   bench/http_server.sh --connections 64 --duration 5
#   bench/http_server.sh --configs "tuned:0:inline tuned:4:pooled"   # MODE:WORKERS:ROUTE
#
# Prints a table and appends one JSON line per configuration to bench/results/http_server.jsonl
# (unless --no-record). Needs wrk (Debian package wrk; installed when missing).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD="$ROOT/build"
CONNECTIONS=16
DURATION=5
RECORD=1
CONFIGS="defaults:0:inline tuned:0:inline tuned:4:pooled tuned:32:pooled"
. "$ROOT/bench/lib/options.sh"
BENCH_OPTIONS=(--connections=CONNECTIONS --duration=DURATION --configs=CONFIGS --no-record:RECORD=0 --build-dir=BUILD)
bench_parse_options "$@"
command -v wrk >/dev/null || apt-get install -y wrk >/dev/null
. "$ROOT/bench/lib/enable.sh"
bench_enable "$BUILD" 2>/dev/null
cmake --build "$BUILD" --target c4confd_http_bench >/dev/null

printf '%-10s %8s %8s %12s %10s %10s %10s\n' mode workers route requests/s p50 p99 errors
for config in $CONFIGS; do
  IFS=: read -r mode workers route <<<"$config"
  path=/bench/trivial
  [[ ${route:-inline} == pooled ]] && path=/bench/pooled
  out=$(mktemp)
  "$BUILD/bench/c4confd_http_bench" --mode "$mode" --workers "$workers" >"$out" &
  pid=$!
  for _ in $(seq 100); do grep -q listening "$out" && break; sleep 0.05; done
  port=$(awk '/listening on/ {print $3}' "$out")
  result=$(wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" --latency "http://127.0.0.1:$port$path")
  kill -TERM "$pid"; wait "$pid" || true
  rm -f "$out"
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$result")
  p50=$(awk '$1 == "50%" {print $2}' <<<"$result")
  p99=$(awk '$1 == "99%" {print $2}' <<<"$result")
  errors=$(awk '/Socket errors|Non-2xx/ {print}' <<<"$result" | tr '\n' ' ')
  printf '%-10s %8s %8s %12s %10s %10s %10s\n' "$mode" "$workers" "${route:-inline}" "$rps" "$p50" "$p99" "${errors:-none}"
  if ((RECORD)); then
    printf '{"date":"%s","commit":"%s","mode":"%s","workers":%s,"route":"%s","connections":%s,"duration_s":%s,"requests_per_s":%s,"p50":"%s","p99":"%s","errors":"%s","load_avg":"%s"}\n' \
      "$(date -u +%FT%TZ)" "$(git -C "$ROOT" rev-parse --short HEAD)" "$mode" "$workers" "${route:-inline}" "$CONNECTIONS" "$DURATION" \
      "$rps" "$p50" "$p99" "${errors:-}" "$(cut -d' ' -f1-3 /proc/loadavg)" >>"$ROOT/bench/results/http_server.jsonl"
  fi
done
