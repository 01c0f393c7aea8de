#!/usr/bin/env bash
# Benchmarks CDR ingest: CDRs/s through the group-commit writer (many request threads, each
# waiting for its commit) against one plain COPY of the same rows, and their ratio.
#
#   bench/cdr_ingest.sh                          # 20,000 CDRs, 64 request threads
#   bench/cdr_ingest.sh --rows 50000 --threads 128 --max-batch 500
#
# Uses the worktree's private PostgreSQL (./c4 services start; started here when not running),
# in a database c4bench_cdr it creates and drops. Prints the figures and appends the JSON line
# to bench/results/cdr_ingest.jsonl (--no-record: do not).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD_DIR="$ROOT/build" RECORD=1
ARGS=()
. "$ROOT/bench/lib/options.sh"
usage() { sed -n '2,10p' "$0"; }
ROWS="" THREADS="" MAX_BATCH=""
BENCH_OPTIONS=(--no-record:RECORD=0 --rows=ROWS --threads=THREADS --max-batch=MAX_BATCH)
bench_parse_options "$@"
[ -z "$ROWS" ] || ARGS+=(--rows "$ROWS")
[ -z "$THREADS" ] || ARGS+=(--threads "$THREADS")
[ -z "$MAX_BATCH" ] || ARGS+=(--max-batch "$MAX_BATCH")

. "$ROOT/bench/lib/enable.sh"
bench_enable "$BUILD_DIR" 2>/dev/null
cmake --build "$BUILD_DIR" --target cdr_ingest_bench >/dev/null
"$ROOT/c4" services status >/dev/null 2>&1 || "$ROOT/c4" services start >/dev/null
eval "$("$ROOT/c4" services env)"

out=$("$BUILD_DIR/bench/cdr_ingest_bench" "${ARGS[@]}")
echo "$out" | grep -v '^{'
if [ "$RECORD" = 1 ]; then
  line=$(echo "$out" | grep '^{')
  echo "${line%\}},\"date\":\"$(date -u +%Y-%m-%dT%H:%M:%SZ)\",\"nproc\":$(nproc)}" >> "$ROOT/bench/results/cdr_ingest.jsonl"
fi
