#!/usr/bin/env bash
# One changed file in the 1M-DID repository, commit → new snapshot live, against its floor,
# the cold start of the same service on the same repository.
#
#   bench/change_one.sh                            # full size, 5 changes
#   bench/change_one.sh --changes 3 --dids 100000 --files 100
#
# Steps: the repository (bench/.data) copied into a Git work tree with one commit; a fresh
# database; `c4confd all` (reconcile loop + API in one process; where this c4confd has no
# `all`, `c4confd reconcile` + `c4confd serve`, the new revision announced on Redis as
# deployed) watching that work tree (file://, polling once an hour, so only the webhook makes
# it fetch), started with the clock running: the time until the first commit is applied and its snapshot serves is the floor (the
# cold apply through the same path). Then CHANGES times: `gen_repo.py --change-one I` rewrites
# one DID file (5 numbers replaced), and bench/lib/change_timer.py commits it, POSTs the
# signed webhook, and times until the database's live commit and then /1.0/status show the new
# commit. Target: median change ≤ 5 % of the cold start. See bench/README.md.
set -euo pipefail
BENCH_NAME=change_one
. "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

usage() {
  cat <<'EOF'
Usage: bench/change_one.sh [OPTIONS]
  --changes K           one-file changes to time (default 5)
  --timeout S           seconds to wait for each commit to be live (default 300)
  --status-field PATH   dotted path, in the JSON of GET /1.0/status, of the live snapshot's
                        commit (default snapshot.snapshots.name=routing.revision, "<id>:<commit>":
                        the routing snapshot's; snapshots.0 is the access tokens', which load first)
  --dids N --files F --tenants T --routing-prefixes P --seed S
                        the generated repository (default 1000000, 1000, 50, 100000, 1)
  --regen               regenerate the repository even if a cached copy matches
  --no-record           do not append to bench/results/change_one.jsonl
  --keep-log FILE       copy c4confd's log (JSON lines: the steps of every pass) to FILE
  --build-dir DIR       CMake build directory (default <repo>/build)
  --no-build            use the existing DIR/c4confd as is (no cmake --build)
PostgreSQL: the server of C4CONFD_DATABASE_URL, else the worktree's ./c4 services.
EOF
}

CHANGES=5 TIMEOUT=300 STATUS_FIELD=snapshot.snapshots.name=routing.revision
DIDS=1000000 FILES=1000 TENANTS=50 PREFIXES=100000 SEED=1
REGEN=0 RECORD=1 BUILD=1 BUILD_DIR="$BENCH_ROOT/build" KEEP_LOG=
ARGS=("$@")
BENCH_OPTIONS=(--changes=CHANGES --timeout=TIMEOUT --status-field=STATUS_FIELD --keep-log=KEEP_LOG "${BENCH_REPO_OPTIONS[@]}" "${BENCH_BUILD_OPTIONS[@]}")
bench_parse_options "$@"
for v in CHANGES TIMEOUT DIDS FILES TENANTS PREFIXES; do bench_require_number "--${v,,}" "${!v}"; done
[ "$CHANGES" -ge 1 ] || bench_usage_error "--changes must be at least 1"

[ "$BUILD" -eq 0 ] || bench_build "$BUILD_DIR" c4confd
BIN=$(bench_private_copy "$BUILD_DIR/c4confd")
if "$BIN" all --help >/dev/null 2>&1; then MODE=all
elif "$BIN" reconcile --help >/dev/null 2>&1 && "$BIN" serve --help >/dev/null 2>&1; then MODE=split
else bench_die "this c4confd has neither \`all\` nor \`reconcile\` and \`serve\`"; fi
bench_repo "$DIDS" "$FILES" "$TENANTS" "$PREFIXES" "$SEED" "$REGEN"
bench_database_server
# The reconciler announces each new revision on Redis and the API reloads at once (its
# PostgreSQL poll is only the fallback), as deployed; a database of our own in that Redis.
[ -n "${C4CONFD_REDIS_URL:-}" ] || bench_die "C4CONFD_REDIS_URL is not set (./c4 services env sets it)"
REDIS_URL="${C4CONFD_REDIS_URL%/*}/9"
unset C4CONFD_REDIS_URL
redis-cli -u "$REDIS_URL" flushdb >/dev/null || bench_die "cannot empty $REDIS_URL"
bench_fresh_database c4bench_change

# --- the Git work tree -------------------------------------------------------------------------
WORK="$BENCH_TMP/work"
bench_say "copying $BENCH_REPO into a Git work tree"
mkdir -p "$WORK"
cp -r "$BENCH_REPO/." "$WORK/"
git -C "$WORK" init -q -b main
git -C "$WORK" -c user.name=bench -c user.email=bench@c4confd.invalid add -A
git -C "$WORK" -c user.name=bench -c user.email=bench@c4confd.invalid commit -q -m "bench: the generated repository"
git -C "$WORK" config user.name bench
git -C "$WORK" config user.email bench@c4confd.invalid
head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$BENCH_TMP/webhook.secret"
head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$BENCH_TMP/admin.token"  # /1.0/status needs it

# --- cold start: the floor ---------------------------------------------------------------------
LOAD_BEFORE=$(bench_loadavg)
STARTED=$("$PY" -c 'import time; print(repr(time.time()))')
SOURCE=(--repo "file://$WORK" --branch main --cache-dir "$BENCH_TMP/git-cache")
if [ "$MODE" = all ]; then
  PORT=$(bench_free_port)
  STATUS_URL="http://127.0.0.1:$PORT/1.0/status" HOOK_URL="http://127.0.0.1:$PORT/hooks/git"
  "$BIN" all "${SOURCE[@]}" --database-url "$BENCH_DB_URL" --redis-url "$REDIS_URL" --listen "127.0.0.1:$PORT" \
    --interval 1h --webhook-secret-file "$BENCH_TMP/webhook.secret" --admin-token-file "$BENCH_TMP/admin.token" \
    >"$BENCH_TMP/c4confd.log" 2>&1 &
  PIDS=($!)
else
  RPORT=$(bench_free_port)
  SPORT=$(bench_free_port)
  STATUS_URL="http://127.0.0.1:$SPORT/1.0/status" HOOK_URL="http://127.0.0.1:$RPORT/hooks/git"
  "$BIN" reconcile "${SOURCE[@]}" --database-url "$BENCH_DB_URL" --redis-url "$REDIS_URL" --listen "127.0.0.1:$RPORT" \
    --interval 1h --webhook-secret-file "$BENCH_TMP/webhook.secret" >"$BENCH_TMP/c4confd.log" 2>&1 &
  PIDS=($!)
  "$BIN" serve --database-url "$BENCH_DB_URL" --redis-url "$REDIS_URL" --listen "127.0.0.1:$SPORT" \
    --admin-token-file "$BENCH_TMP/admin.token" >"$BENCH_TMP/serve.log" 2>&1 &
  PIDS+=($!)
fi
bench_on_exit 'kill -TERM "${PIDS[@]}" 2>/dev/null; wait "${PIDS[@]}" 2>/dev/null'
bench_say "cold start ($MODE): waiting for the first commit to be live"
timer() {  # timer ARGS...: change_timer.py with the common arguments; exits with the log on failure
  "$PY" "$BENCH_ROOT/bench/lib/change_timer.py" --work "$WORK" --database-url "$BENCH_DB_URL" \
    --status-url "$STATUS_URL" --status-field "$STATUS_FIELD" --token-file "$BENCH_TMP/admin.token" \
    --timeout "$TIMEOUT" "$@" ||
    { tail -n 30 "$BENCH_TMP"/*.log >&2; bench_die "c4confd did not make the commit live (its logs are above)"; }
}
COLD=$(timer --cold --since "$STARTED")
bench_say "cold: $COLD"
# The changes are timed in steady state: after the first Redis projection (a million keys,
# seconds of background CPU that would otherwise compete with the first changes' passes).
COLD_COMMIT=$(git -C "$WORK" rev-parse HEAD)
for ((i = 0; i < TIMEOUT * 10; i++)); do
  case "$(redis-cli -u "$REDIS_URL" GET c4:revision 2>/dev/null)" in *":$COLD_COMMIT") break ;; esac
  sleep 0.1
done
bench_say "first Redis projection done $(( i / 10 )) s after the cold start was live"

# --- one-file changes --------------------------------------------------------------------------
CHANGED=()
for k in $(seq 1 "$CHANGES"); do
  # Files spread over the repository (and so over tenants).
  index=$(( (k * 397) % FILES ))
  "$PY" "$BENCH_ROOT/bench/gen_repo.py" --out "$WORK" --change-one "$index" >/dev/null ||
    bench_die "gen_repo.py --change-one $index failed"
  bench_say "change $k/$CHANGES: DID file $index"
  out=$(timer --webhook-url "$HOOK_URL" --secret-file "$BENCH_TMP/webhook.secret" \
    --message "bench: change DID file $index")
  bench_say "$out"
  CHANGED+=("$out")
done
[ -z "$KEEP_LOG" ] || cat "$BENCH_TMP"/*.log >"$KEEP_LOG"

"$PY" - "$COLD" "$BENCH_REPO" "$LOAD_BEFORE" "bench/change_one.sh ${ARGS[*]}" "$STATUS_FIELD" "$MODE" \
  "${CHANGED[@]}" <<'EOF' | bench_record
import json, statistics, sys
cold = json.loads(sys.argv[1])
repo, load, command, status_field, mode = sys.argv[2:7]
changes = [json.loads(a) for a in sys.argv[7:]]
marker = json.load(open(repo + "/.bench-gen.json"))
live = statistics.median(c["live_s"] for c in changes)
applied = statistics.median(c["applied_s"] for c in changes)
print(json.dumps({
    "benchmark": "change_one",
    "title": "One changed DID file: commit → new snapshot live, vs the cold start",
    "command": command.strip(),
    "loadavg_before": float(load),
    "params": dict(marker["params"], changes=len(changes), status_field=status_field, numbers_changed_per_file=5,
                   mode="c4confd all" if mode == "all" else "c4confd reconcile + c4confd serve, Redis announcements"),
    "figures": {"changes": changes, "median_live_s": live, "median_applied_s": applied},
    "floor": {"name": "cold start to the first commit live", "cold": cold},
    "checks": [
        {"name": "commit → snapshot live (median of %d)" % len(changes), "value": round(live, 3), "unit": "s",
         "floor": cold["live_s"], "floor_name": "cold start", "target": {"on": "ratio", "op": "<=", "limit": 0.05}},
        {"name": "commit → applied in the database (median)", "value": round(applied, 3), "unit": "s",
         "floor": cold["applied_s"], "floor_name": "cold start"},
    ],
    "notes": ["cold start: applied after %.2f s, live after %.2f s (from process start)" % (cold["applied_s"], cold["live_s"])],
}))
EOF
