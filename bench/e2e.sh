#!/usr/bin/env bash
# Kamailio + sipp end to end (issue 6, last row): calls per second of the example router that
# asks c4confd for every call (examples/kamailio/kamailio.cfg), against the floor: the same
# router sending every call to a fixed destination with no lookup (kamailio-fixed.cfg).
#
#   bench/e2e.sh                 # 10,000 calls on each router
#   bench/e2e.sh --calls 3000    # quicker
#
# Each run: sipp calls from 127.0.1.10 (the orange-paris trunk) to a DID of acme-paris-hq,
# ramping from 500 calls/s up by 500 each second, at most 50 calls in flight; a call counts
# only when answered and hung up (zero failed calls is part of the result). Prints calls/s of
# each router, the best second, the CPU share of each process, and the ratio routed/fixed;
# appends one JSON line to bench/results/e2e.jsonl. Uses the private PostgreSQL and Redis of
# ./c4 (started here if they do not run). Driver: tests/e2e/e2e.py (see tests/e2e/README.md).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CALLS=10000 RECORD=1 BUILD=1
while [ $# -gt 0 ]; do
  case "$1" in
    --calls) CALLS=$2; shift 2 ;;
    --no-record) RECORD=0; shift ;;
    --no-build) BUILD=0; shift ;;
    -h|--help) sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "bench/e2e.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
[[ "$CALLS" =~ ^[1-9][0-9]*$ ]] || { echo "bench/e2e.sh: --calls needs a number" >&2; exit 2; }

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
python3 tests/e2e/e2e.py bench --binary "$ROOT/build/c4confd" --calls "$CALLS" \
  --timeout $(( CALLS / 20 + 60 )) | tee "$OUT" || rc=$?

if (( RECORD )) && grep -q '^result ' "$OUT"; then
  mkdir -p bench/results
  python3 - "$OUT" "$CALLS" >>bench/results/e2e.jsonl <<'PY'
import json, platform, os, sys, time
results = {}
for line in open(sys.argv[1]):
    if line.startswith("result "):
        item = json.loads(line[len("result "):])
        results[item.pop("variant", "ratio")] = item
print(json.dumps({"bench": "e2e", "time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                  "calls": int(sys.argv[2]), "cpus": os.cpu_count(),
                  "load_average": os.getloadavg()[0], "host": platform.node(),
                  "results": results}, sort_keys=True))
PY
  echo "recorded in bench/results/e2e.jsonl"
fi
exit "$rc"
