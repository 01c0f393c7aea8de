#!/usr/bin/env bash
# Kamailio + sipp end to end (issue 6, last row): the highest rate, in calls per second, that the
# example router asking c4confd for every call (examples/kamailio/kamailio.cfg) sustains with
# zero failed calls, against the floor: the same router sending every call to a fixed
# destination with no lookup, still posting its CDRs (kamailio-fixed.cfg), measured the same
# way; and, for information, against the bare floor (the fixed router without CDR).
#
#   bench/e2e.sh                      # steps of 4 s, about 4.5 minutes in all
#   bench/e2e.sh --step-seconds 2     # quicker, noisier
#
# Each router gets the same stack (Kamailio, one sipp UAS per IPBX and trunk of examples/;
# c4confd `all`, but for the bare floor) and the same caller: sipp calls from 127.0.1.10 (the
# orange-paris trunk) to a DID of acme-paris-hq, at a constant rate for each step: 250 calls/s,
# doubled while sustained, then 4 halvings of the gap between the best rate sustained and the
# lowest not. A step is sustained when every call was answered and hung up (zero failed) at
# >= 95 % of the offered rate. Prints each step, each router's best rate, its failed calls and
# the CPU share of each process, then the ratios routed/fixed (the target) and
# routed/fixed-bare; appends one JSON line to
# bench/results/e2e.jsonl. Uses the private PostgreSQL and Redis of ./c4 (started here if they
# do not run). Driver: tests/e2e/e2e.py bench; method: docs/e2e.md.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
STEP_SECONDS=4 RECORD=1 BUILD=1
. "$ROOT/bench/lib/options.sh"
usage() { sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'; }
BENCH_OPTIONS=(--step-seconds=STEP_SECONDS --no-record:RECORD=0 --no-build:BUILD=0)
bench_parse_options "$@"
[[ "$STEP_SECONDS" =~ ^[1-9][0-9]*$ ]] ||
  { echo "bench/e2e.sh: --step-seconds needs a whole number of seconds above 0" >&2; exit 2; }

cd "$ROOT"
if (( BUILD )); then
  ./c4 deps
  cmake --build build --target c4confd
fi
if [ -z "${C4CONFD_DATABASE_URL:-}" ]; then
  eval "$(./c4 services start 2>/dev/null)"
fi

OUT=$(mktemp)
trap 'rm -f "$OUT"' EXIT
rc=0
LOAD_BEFORE=$(cut -d' ' -f1 /proc/loadavg)
# as bench/lib/record.py: the results being appended do not make the code dirty
COMMIT=$(git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)
DIRTY=$(git status --porcelain --untracked-files=no -- . ':!bench/results' ':!bench/RESULTS.md' 2>/dev/null | head -c1)
python3 tests/e2e/e2e.py bench --binary "$ROOT/build/c4confd" --step-seconds "$STEP_SECONDS" \
  | tee "$OUT" || rc=$?

if (( RECORD )) && grep -q '^result ' "$OUT"; then
  mkdir -p bench/results
  python3 - "$OUT" "$STEP_SECONDS" "$LOAD_BEFORE" "$COMMIT" "$DIRTY" >>bench/results/e2e.jsonl <<'PY'
import json, platform, os, sys, time
results = {}
for line in open(sys.argv[1]):
    if line.startswith("result "):
        item = json.loads(line[len("result "):])
        results[item.pop("variant", "ratio")] = item
print(json.dumps({"bench": "e2e", "time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                  "method": "highest constant rate sustained with zero failed calls",
                  "step_seconds": int(sys.argv[2]), "cpus": os.cpu_count(),
                  "load_average": float(sys.argv[3]), "load_average_after": os.getloadavg()[0],
                  "host": platform.node(), "commit": sys.argv[4], "dirty": bool(sys.argv[5]),
                  "results": results}, sort_keys=True))
PY
  echo "recorded in bench/results/e2e.jsonl"
fi
exit "$rc"
