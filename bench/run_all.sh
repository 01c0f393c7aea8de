#!/usr/bin/env bash
# Runs every benchmark, each with its defaults (full size), then regenerates bench/RESULTS.md
# from bench/results/*.jsonl.
#
#   bench/run_all.sh                        # all of them (about 15 minutes on 2 cores)
#   bench/run_all.sh --only apply,http_routing
#   bench/run_all.sh --no-build             # use build/ as it is (c4confd, c4routing_bench)
#
# A benchmark that fails (or cannot run yet, e.g. its command is missing from this c4confd) is
# reported at the end and the others still run; the exit status is 1 when one failed. Run it on
# a quiet machine: every record keeps the load average, and RESULTS.md shows it.
set -uo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ALL=(validate apply http_routing change_one snapshot_build routing_in_process cdr_http cdr_ingest e2e)
ONLY="" BUILD=1 BUILD_DIR="$ROOT/build"
. "$ROOT/bench/lib/options.sh"
usage() { sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'; echo "benchmarks: ${ALL[*]}"; }
BENCH_OPTIONS=(--only=ONLY --no-build:BUILD=0 --build-dir=BUILD_DIR)
bench_parse_options "$@"
SELECTED=("${ALL[@]}")
if [ -n "$ONLY" ]; then
  IFS=, read -ra SELECTED <<<"$ONLY"
  for b in "${SELECTED[@]}"; do
    [[ " ${ALL[*]} " == *" $b "* ]] || { echo "bench/run_all.sh: unknown benchmark $b (known: ${ALL[*]})" >&2; exit 2; }
  done
fi

if [ "$BUILD" -eq 1 ]; then
  # One build of every target the benchmarks use, instead of one per script.
  . "$ROOT/bench/lib/enable.sh"
  bench_enable "$BUILD_DIR" || exit 1
  targets=(c4confd)
  # The routing engine's Google Benchmark binary, where this checkout has it.
  if cmake --build "$BUILD_DIR" --target help 2>/dev/null | grep -q '^c4routing_bench'; then targets+=(c4routing_bench); fi
  echo "== building ${targets[*]}" >&2
  cmake --build "$BUILD_DIR" --target "${targets[@]}" >&2 || { echo "bench/run_all.sh: build failed" >&2; exit 1; }
fi

# The 1-minute load average lags: a benchmark that saturated both cores leaves it high for
# minutes, and the next benchmark's record would blame "other processes". Each benchmark starts
# once the load average is below 1 again (at most SETTLE seconds of waiting).
SETTLE=${BENCH_SETTLE_SECONDS:-180}
settle() {
  local waited=0
  while awk -v l="$(cut -d' ' -f1 /proc/loadavg)" 'BEGIN { exit !(l >= 1.0) }' && [ "$waited" -lt "$SETTLE" ]; do
    sleep 5
    waited=$((waited + 5))
  done
  [ "$waited" -eq 0 ] || echo "== waited $waited s for the load average to settle ($(cut -d' ' -f1 /proc/loadavg))" >&2
}

STARTED=$(date -u +%Y-%m-%dT%H:%M:%S)
failed=() missing=()
for b in "${SELECTED[@]}"; do
  script="$ROOT/bench/$b.sh"
  if [ ! -x "$script" ]; then missing+=("$b"); continue; fi
  echo
  echo "################ bench/$b.sh ################"
  # cdr_ingest.sh and e2e.sh come from the CDR and e2e work and take fewer options.
  case "$b" in
    cdr_ingest) args=() ;;
    e2e) args=(--no-build) ;;
    *) args=(--no-build) ;;
  esac
  # (the default build directory is left out, so the recorded commands stay short)
  if [ "$b" != cdr_ingest ] && [ "$b" != e2e ] && [ "$BUILD_DIR" != "$ROOT/build" ]; then args+=(--build-dir "$BUILD_DIR"); fi
  settle
  "$script" "${args[@]}" || failed+=("$b")
done
echo
"${PY:-/usr/bin/python3}" "$ROOT/bench/lib/report.py"
echo "run started $STARTED UTC; ran: ${#SELECTED[@]} selected, ${#missing[@]} without a script (${missing[*]:-none}), ${#failed[@]} failed (${failed[*]:-none})"
[ ${#failed[@]} -eq 0 ]
