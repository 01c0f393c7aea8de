#!/usr/bin/env bash
# CDR ingest over HTTP, durable: wrk POSTing CDRs to /1.0/kamailio/cdr on `c4confd serve`
# (answered only once committed, concurrent requests sharing a commit), against its floor,
# COPY of the same rows in one transaction.
#
#   bench/cdr_http.sh                              # 16 and 64 connections, 10 s each
#   bench/cdr_http.sh --connections 64 --duration 5s
#
# Steps: a small generated repository (CDRs need tenants, trunks and IPBXs, not a million
# numbers) applied to a fresh database and served; 100,000 CDR bodies for its tenants
# (bench/lib/cdr_requests.py); 50 answers checked ({"success": true, "cdr": …}); then per
# connection count: the cdrs row count, wrk (keep-alive, bench/lib/post_bodies.lua), the row
# count again, which must have grown by at least the answered requests (durable: every 2xx is
# a committed row). The floor (bench/lib/copy_floor.py --tables 'cdrs%'): every CDR row the
# runs wrote, dumped, truncated, and loaded back with \copy in one transaction; its rate is
# rows / time. Target: ≥ 10,000 CDRs/s at every connection count; the ratio to COPY is
# reported. (bench/cdr_ingest.sh, if present, measures the group-commit writer in process.)
set -euo pipefail
BENCH_NAME=cdr_http
. "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
. "$BENCH_ROOT/bench/lib/wrk.sh"
. "$BENCH_ROOT/bench/lib/serve.sh"

usage() {
  cat <<'EOF'
Usage: bench/cdr_http.sh [OPTIONS]
  --connections LIST    comma-separated keep-alive connection counts (default 16,64)
  --duration D          wrk duration per run, wrk syntax (default 10s)
  --threads N           wrk threads (default 2)
  --cdrs N              distinct CDR bodies (default 100000)
  --serve-args "ARGS"   extra arguments for `c4confd serve` (default: --workers, the largest
                        connection count + 8)
  --dids N --files F --tenants T --routing-prefixes P --seed S
                        the generated repository (default 20000, 20, 5, 2000, 1)
  --regen --no-record --build-dir DIR --no-build   as in the other benchmarks
PostgreSQL: the server of C4CONFD_DATABASE_URL, else the worktree's ./c4 services.
EOF
}

CONNECTIONS=16,64 DURATION=10s THREADS=2 CDRS=100000 SERVE_ARGS=""
DIDS=20000 FILES=20 TENANTS=5 PREFIXES=2000 SEED=1
REGEN=0 RECORD=1 BUILD=1 BUILD_DIR="$BENCH_ROOT/build"
ARGS=("$@")
BENCH_OPTIONS=(--connections=CONNECTIONS --duration=DURATION --threads=THREADS --cdrs=CDRS --serve-args=SERVE_ARGS "${BENCH_REPO_OPTIONS[@]}" "${BENCH_BUILD_OPTIONS[@]}")
bench_parse_options "$@"
for v in THREADS CDRS DIDS FILES TENANTS PREFIXES; do bench_require_number "--${v,,}" "${!v}"; done
[[ "$CONNECTIONS" =~ ^[0-9]+(,[0-9]+)*$ ]] || bench_usage_error "--connections expects a list like 16,64, got \"$CONNECTIONS\""
[[ "$DURATION" =~ ^[0-9]+[smh]?$ ]] || bench_usage_error "--duration expects a wrk duration like 10s, got \"$DURATION\""
IFS=, read -ra CONN_LIST <<<"$CONNECTIONS"

[ "$BUILD" -eq 0 ] || bench_build "$BUILD_DIR" c4confd
BIN=$(bench_private_copy "$BUILD_DIR/c4confd")
bench_repo "$DIDS" "$FILES" "$TENANTS" "$PREFIXES" "$SEED" "$REGEN"
bench_database_server
# A CDR request holds a worker while it waits for its group commit; with fewer workers than
# connections (the default is max(32, 2 x cores)) the rest wait, and fewer CDRs share each commit.
if [[ " $SERVE_ARGS " != *" --workers "* ]]; then
  SERVE_ARGS="$SERVE_ARGS --workers $(( $(printf '%s\n' "${CONN_LIST[@]}" | sort -n | tail -n 1) + 8 ))"
fi
# shellcheck disable=SC2086  # SERVE_ARGS is a list of words
c4_serve_start "$BIN" "$BENCH_REPO" c4bench_cdr $SERVE_ARGS

BODIES="$BENCH_TMP/cdrs.jsonl"
"$PY" "$BENCH_ROOT/bench/lib/cdr_requests.py" --database-url "$BENCH_DB_URL" --count "$CDRS" --seed "$SEED" \
  --out "$BODIES" >/dev/null || bench_die "bench/lib/cdr_requests.py failed"
CHECK=$("$PY" "$BENCH_ROOT/bench/lib/check_answers.py" --url "$C4_URL/1.0/kamailio/cdr" --bodies "$BODIES" \
  --sample 50 --expect cdr --wait-ready 300) ||
  { tail -n 20 "$BENCH_TMP/serve.log" >&2; bench_die "c4confd did not store every sampled CDR: $CHECK"; }
cdr_rows() { psql -X -q -At "$BENCH_DB_URL" -c "SELECT count(*) FROM cdrs"; }

LOAD_BEFORE=$(bench_loadavg)
RUNS="{}"
for c in "${CONN_LIST[@]}"; do
  before=$(cdr_rows)
  bench_say "c4confd, $c connections, $DURATION"
  # The writer's own counters before and after: how many transactions the run took, and how
  # long each took to write and commit (the group commit's batch size and cost).
  m0=$("$PY" "$BENCH_ROOT/bench/lib/prom_metrics.py" "$C4_URL/metrics" c4confd_cdr_) || bench_die "no /metrics"
  r=$(wrk_run "cdr-$c" "$C4_URL/1.0/kamailio/cdr" "$c" "$DURATION" "$THREADS" "$BODIES")
  after=$(cdr_rows)
  m1=$("$PY" "$BENCH_ROOT/bench/lib/prom_metrics.py" "$C4_URL/metrics" c4confd_cdr_) || bench_die "no /metrics"
  RUNS=$("$PY" - "$RUNS" "$c" "$r" $((after - before)) "$m0" "$m1" <<'PY'
import json, sys
runs, c, r = json.loads(sys.argv[1]), sys.argv[2], json.loads(sys.argv[3])
r["rows_written"] = int(sys.argv[4])
m0, m1 = json.loads(sys.argv[5]), json.loads(sys.argv[6])
delta = {k: m1[k] - m0.get(k, 0) for k in m1 if k.startswith(("c4confd_cdr_batches_total", "c4confd_cdr_commit_seconds_sum",
                                                               "c4confd_cdr_commit_seconds_count"))}
r["writer"] = delta
runs[c] = r
print(json.dumps(runs))
PY
)
done
bench_say "floor: \\copy of the same CDR rows"
FLOOR=$("$PY" "$BENCH_ROOT/bench/lib/copy_floor.py" --database-url "$BENCH_DB_URL" --workdir "$BENCH_TMP/copy" \
  --tables 'cdrs%' --runs 3) || bench_die "the \\copy floor failed"

"$PY" - "$RUNS" "$FLOOR" "$CHECK" "$LOAD_BEFORE" "bench/cdr_http.sh ${ARGS[*]}" "$DURATION" "$THREADS" "$CDRS" \
  "$SERVE_ARGS" <<'EOF' | bench_record
import json, sys
runs, floor, check = json.loads(sys.argv[1]), json.loads(sys.argv[2]), json.loads(sys.argv[3])
load, command, duration, threads, cdrs, serve_args = sys.argv[4:10]
copy_rate = floor["rows"] / floor["median_s"]
checks, notes = [], []
for c, r in runs.items():
    answered = r["requests"] - r["errors"]["status"]
    # Durable: every CDR answered 2xx is a committed row (requests still in flight when wrk
    # stopped may add rows it did not count, never the other way round).
    if r["rows_written"] < answered:
        sys.exit("bench/cdr_http.sh: at %s connections wrk got %d answers but only %d rows were written"
                 % (c, answered, r["rows_written"]))
    e = r["errors"]
    if sum(e.values()):
        notes.append("%s connections: errors %s" % (c, json.dumps(e)))
    checks.append({"name": "CDRs/s durable over HTTP, %s connections" % c, "value": round(answered / (r["duration_us"] / 1e6), 1),
                   "unit": "CDR/s", "floor": round(copy_rate, 1), "floor_name": "COPY",
                   "target": {"on": "value", "op": ">=", "limit": 10000}})
    notes.append("%s connections: %d CDRs answered, %d rows written, p50 %.2f ms, p99 %.2f ms" % (
        c, answered, r["rows_written"], r["latency_us"]["p50"] / 1000, r["latency_us"]["p99"] / 1000))
    w = r.get("writer", {})
    count, total = w.get("c4confd_cdr_commit_seconds_count"), w.get("c4confd_cdr_commit_seconds_sum")
    if count:
        notes.append("%s connections: the writer committed %d batches, %.1f CDRs each, %.2f ms to write and commit one"
                     % (c, count, r["rows_written"] / count, 1000 * total / count))
notes.append("floor: %d rows loaded with \\copy in one transaction in %.3f s (median of %d)" % (
    floor["rows"], floor["median_s"], len(floor["runs_s"])))
print(json.dumps({
    "benchmark": "cdr_http",
    "title": "CDR ingest over HTTP, durable (wrk) vs COPY of the same rows",
    "command": command.strip(),
    "loadavg_before": float(load),
    "params": {"connections": [int(c) for c in runs], "duration": duration, "wrk_threads": int(threads),
               "distinct_cdrs": int(cdrs), "serve_args": serve_args},
    "figures": {"runs": runs, "answers_checked": check},
    "floor": dict(floor, name="psql \\copy of the CDR rows in one transaction", rows_per_s=round(copy_rate, 1)),
    "checks": checks,
    "notes": notes,
}))
EOF
