#!/usr/bin/env bash
# Benchmarks the watching loop (`c4confd reconcile`) on a large generated repository (default:
# 1,000,000 numbers in 1,000 DID files, 50 tenants, 100,000 routing prefixes):
#   cold      an empty database, the loop started: process start → first revision applied
#   one-file  `gen_repo.py --change-one I` (5 numbers of one DID file), git commit, a signed
#             POST /hooks/git → the commit is the live revision (polled every 20 ms); each
#             change waits until the loop has finished the previous pass
# Needs the private PostgreSQL (eval "$(./c4 services env)"); uses a database of its own,
# c4bench_reconcile, dropped at the end, and projects into $C4CONFD_REDIS_URL (or --redis-url;
# --no-redis: none), whose c4:* keys it deletes at the end. Prints the figures; see
# docs/reconcile.md.
#
#   bench/reconcile.sh                              # full size
#   bench/reconcile.sh --dids 100000 --files 100   # quick
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
DIDS=1000000 FILES=1000 CHANGES=3 BIN="$ROOT/build/c4confd"
unset REDIS_URL
. "$ROOT/bench/lib/options.sh"
BENCH_OPTIONS=(--dids=DIDS --files=FILES --changes=CHANGES --binary=BIN --redis-url=REDIS_URL --no-redis:REDIS_URL=)
bench_parse_options "$@"
: "${C4CONFD_DATABASE_URL:?run eval \"\$(./c4 services env)\" first}"
[ -x "$BIN" ] || { echo "bench/reconcile.sh: $BIN not found (cmake --build build --target c4confd)" >&2; exit 2; }

# Redis: --redis-url URL, else $C4CONFD_REDIS_URL (the projection is timed too); --no-redis: none.
REDIS_URL=${REDIS_URL-${C4CONFD_REDIS_URL:-}}
TMP=$(mktemp -d)
DB=c4bench_reconcile
ADMIN_URL=$C4CONFD_DATABASE_URL
DB_URL=${C4CONFD_DATABASE_URL%/*}/$DB
PID=
cleanup() {
  [ -n "$PID" ] && kill "$PID" 2>/dev/null && wait "$PID" 2>/dev/null
  psql -q "$ADMIN_URL" -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >/dev/null 2>&1 || true
  if [ -n "$REDIS_URL" ]; then  # the projected keys, in batches
    redis-cli -u "$REDIS_URL" --scan --pattern 'c4:*' | xargs -r -n 1000 redis-cli -u "$REDIS_URL" DEL >/dev/null || true
  fi
  rm -rf "$TMP"
}
trap cleanup EXIT
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }
live_commit() { psql -qAt "$DB_URL" -c "SELECT coalesce(live_commit_id, '') FROM reconciler_status" 2>/dev/null || true; }
wait_live() {  # wait_live COMMIT: polls every 20 ms for up to 10 minutes
  local deadline=$(( $(date +%s) + 600 ))
  until [ "$(live_commit)" = "$1" ]; do
    [ "$(date +%s)" -lt "$deadline" ] || { echo "bench/reconcile.sh: $1 not applied in time; log:" >&2; tail "$TMP/reconcile.log" >&2; exit 1; }
    sleep 0.02
  done
}

wait_passes() {  # wait_passes N: until the loop has finished N passes (it is idle again)
  local deadline=$(( $(date +%s) + 600 ))
  until curl -fsS "http://127.0.0.1:$PORT/metrics" 2>/dev/null |
        awk -v n="$1" '$1 == "c4confd_reconcile_duration_seconds_count" && $2 >= n { ok = 1 } END { exit !ok }'; do
    [ "$(date +%s)" -lt "$deadline" ] || { echo "bench/reconcile.sh: pass $1 did not end in time" >&2; exit 1; }
    sleep 0.02
  done
}

echo "== generating $DIDS numbers in $FILES files" >&2
REPO="$TMP/repo"
/usr/bin/python3 "$ROOT/bench/gen_repo.py" --out "$REPO" --dids "$DIDS" --files "$FILES" >/dev/null
git -C "$REPO" init -q -b main
git -C "$REPO" -c user.name=bench -c user.email=bench@example.org commit -q --allow-empty -m empty
git -C "$REPO" add -A
git -C "$REPO" -c user.name=bench -c user.email=bench@example.org commit -q -m "generated"
FIRST=$(git -C "$REPO" rev-parse HEAD)

psql -q "$ADMIN_URL" -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" -c "CREATE DATABASE $DB" >/dev/null
SECRET=bench-secret
PORT=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
LOAD_BEFORE=$(cut -d' ' -f1 /proc/loadavg)

echo "== cold: empty database → $FIRST applied by the loop" >&2
T0=$(now)
C4CONFD_WEBHOOK_SECRET=$SECRET C4CONFD_REDIS_URL=$REDIS_URL "$BIN" reconcile --repo "file://$REPO" --cache-dir "$TMP/cache" \
  --database-url "$DB_URL" --listen "127.0.0.1:$PORT" --interval 1h >"$TMP/reconcile.log" 2>&1 &
PID=$!
wait_live "$FIRST"
T1=$(now)
COLD=$(elapsed "$T0" "$T1")
echo "   $COLD s" >&2
wait_passes 1

ONE=()
for i in $(seq 1 "$CHANGES"); do
  /usr/bin/python3 "$ROOT/bench/gen_repo.py" --out "$REPO" --change-one $((40 + i)) >/dev/null
  git -C "$REPO" add -A
  git -C "$REPO" -c user.name=bench -c user.email=bench@example.org commit -q -m "change one file ($i)"
  HEAD=$(git -C "$REPO" rev-parse HEAD)
  BODY='{"ref":"refs/heads/main"}'
  SIG=$(printf '%s' "$BODY" | openssl dgst -sha256 -hmac "$SECRET" -r | cut -d' ' -f1)
  T0=$(now)
  curl -fsS -o /dev/null -X POST "http://127.0.0.1:$PORT/hooks/git" -H "X-Hub-Signature-256: sha256=$SIG" -d "$BODY"
  wait_live "$HEAD"
  T1=$(now)
  ONE+=("$(elapsed "$T0" "$T1")")
  wait_passes $((i + 1))  # each change starts on an idle loop, as changes do in life
  echo "== one-file change $i: ${ONE[-1]} s" >&2
done
METRICS=$(curl -fsS "http://127.0.0.1:$PORT/metrics")
LOAD_AFTER=$(cut -d' ' -f1 /proc/loadavg)

MEDIAN=$(printf '%s\n' "${ONE[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
echo
echo "c4confd reconcile, $DIDS numbers in $FILES DID files ($(nproc) cores, load average $LOAD_BEFORE before, $LOAD_AFTER after)"
echo "cold (empty database, start → first commit live): $COLD s"
echo "one-file change (signed webhook → commit live):   ${ONE[*]} s (median $MEDIAN s)"
echo "$METRICS" | grep -E '^c4confd_reconcile_(duration_seconds_(sum|count)|passes_total)'
echo "steps of each applied commit (reconcile = validate, plan, apply, revision row):"
grep -E '"event":"reconcile.applied"' "$TMP/reconcile.log" |
  sed -E 's/.*"commit":"([0-9a-f]{10})[^"]*".*"drift_checked":([a-z]+).*"fetch_ms":([0-9]+).*"load_ms":([0-9]+).*"reconcile_ms":([0-9]+).*/  \1  fetch \3 ms, load \4 ms, reconcile \5 ms (drift check: \2)/'
if [ -n "$REDIS_URL" ]; then
  echo "Redis projections (after the commit is live):"
  grep -E '"event":"reconcile.projected"' "$TMP/reconcile.log" |
    sed -E 's/.*"deleted":([0-9]+).*"full":([a-z]+).*"ms":([0-9]+).*"revision":"([0-9]+):([0-9a-f]{10}).*"written":([0-9]+).*/  \5  \3 ms: \6 keys written, \1 deleted (full diff: \2)/'
fi
