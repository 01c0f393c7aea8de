#!/usr/bin/env bash
# Cold apply of a large generated repository (default: 1,000,000 numbers in 1,000 DID files,
# 50 tenants, 100,000 routing prefixes) against its floor, `psql \copy` of the same rows.
#
#   bench/apply.sh                                 # full size, 3 runs of each
#   bench/apply.sh --dids 100000 --files 100      # quick
#
# Each run of c4confd: a fresh database, `c4confd migrate` and CHECKPOINT (untimed), then
# `c4confd apply REPO` under /usr/bin/time -v (the whole command: process start, reading and
# validating the tree, planning against the empty database, writing every row in one
# transaction, commit). The floor (bench/lib/copy_floor.py): the rows the last apply wrote,
# dumped with \copy TO, truncated, and loaded back in one transaction by one psql process
# (\copy FROM), timed the same way. Target: apply ≤ 3× the floor. See bench/README.md.
set -euo pipefail
BENCH_NAME=apply
. "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

usage() {
  cat <<'EOF'
Usage: bench/apply.sh [OPTIONS]
  --dids N              numbers in DID lists and ranges (default 1000000)
  --files F             DID files (default 1000)
  --tenants T           tenants (default 50)
  --routing-prefixes P  routing rule prefixes in total (default 100000)
  --seed S              generator seed (default 1)
  --runs R              timed runs of the apply and of the floor each (default 3)
  --regen               regenerate the repository even if a cached copy matches
  --no-record           do not append to bench/results/apply.jsonl
  --build-dir DIR       CMake build directory (default <repo>/build)
  --no-build            use the existing DIR/c4confd as is (no cmake --build)
PostgreSQL: the server of C4CONFD_DATABASE_URL, else the worktree's ./c4 services (started and
stopped here when they do not run). The benchmark creates and drops its own database.
EOF
}

DIDS=1000000 FILES=1000 TENANTS=50 PREFIXES=100000 SEED=1 RUNS=3
REGEN=0 RECORD=1 BUILD=1 BUILD_DIR="$BENCH_ROOT/build"
ARGS=("$@")
BENCH_OPTIONS=(--runs=RUNS "${BENCH_REPO_OPTIONS[@]}" "${BENCH_BUILD_OPTIONS[@]}")
bench_parse_options "$@"
for v in DIDS FILES TENANTS PREFIXES RUNS; do bench_require_number "--${v,,}" "${!v}"; done
[ "$RUNS" -ge 1 ] || bench_usage_error "--runs must be at least 1"

[ "$BUILD" -eq 0 ] || bench_build "$BUILD_DIR" c4confd
BIN=$(bench_private_copy "$BUILD_DIR/c4confd")
bench_repo "$DIDS" "$FILES" "$TENANTS" "$PREFIXES" "$SEED" "$REGEN"
bench_database_server
# The database alone: the floor writes no Redis keys, so the apply projects none either.
unset C4CONFD_REDIS_URL
command -v psql >/dev/null || bench_install_packages postgresql-client-15

LOAD_BEFORE=$(bench_loadavg)
labels=()
for i in $(seq 1 "$RUNS"); do
  bench_fresh_database c4bench_apply
  "$BIN" migrate --database-url "$BENCH_DB_URL" >/dev/null || bench_die "c4confd migrate failed"
  psql -X -q "$BENCH_DB_URL" -c CHECKPOINT >&2
  bench_say "apply run $i/$RUNS"
  if ! bench_timed "apply$i" "$BIN" apply "$BENCH_REPO" --database-url "$BENCH_DB_URL" ||
     ! grep -q "^Revision .*: applied" "$BENCH_TMP/apply$i.out"; then
    tail -n 20 "$BENCH_TMP/apply$i.out" >&2
    bench_die "c4confd apply run $i did not apply the revision (output above)"
  fi
  labels+=("$BENCH_TMP/apply$i.time")
done
bench_say "floor: \\copy of the same rows ($RUNS runs)"
FLOOR=$("$PY" "$BENCH_ROOT/bench/lib/copy_floor.py" --database-url "$BENCH_DB_URL" --workdir "$BENCH_TMP/copy" \
  --runs "$RUNS") || bench_die "the \\copy floor failed"
APPLY=$("$PY" "$BENCH_ROOT/bench/lib/timev.py" "${labels[@]}")
SUMMARY=$(grep "^Revision " "$BENCH_TMP/apply1.out" | tail -n 1)

"$PY" - "$APPLY" "$FLOOR" "$BENCH_REPO" "$LOAD_BEFORE" "$SUMMARY" "bench/apply.sh ${ARGS[*]}" <<'EOF' | bench_record
import json, statistics, sys
apply, floor = json.loads(sys.argv[1]), json.loads(sys.argv[2])
repo, load, summary, command = sys.argv[3:7]
marker = json.load(open(repo + "/.bench-gen.json"))
median = {k: statistics.median(r[k] for r in apply) for k in ("wall_s", "cpu_s", "max_rss_mib")}
print(json.dumps({
    "benchmark": "apply",
    "title": "Cold apply of the %s-number repository vs psql \\copy of the same rows" % format(marker["numbers"], ","),
    "command": command.strip(),
    "loadavg_before": float(load),
    "params": dict(marker["params"], repo_files=marker["files"], repo_bytes=marker["bytes"]),
    "figures": {"apply_runs": apply, "apply_median": median, "apply_summary": summary},
    "floor": {"name": "psql \\copy in one transaction", "rows": floor["rows"], "bytes": floor["bytes"],
              "tables": floor["tables"], "runs_s": floor["runs_s"], "median_s": floor["median_s"]},
    "checks": [{"name": "cold apply, wall (median of %d)" % len(apply), "value": median["wall_s"], "unit": "s",
                "floor": floor["median_s"], "floor_name": "psql \\copy",
                "target": {"on": "ratio", "op": "<=", "limit": 3}}],
    "notes": ["%s rows in %d tables, %.1f MB as COPY text; apply peak RSS %.0f MiB, CPU %.2f s (median)" % (
        format(floor["rows"], ","), len(floor["tables"]), floor["bytes"] / 1e6, median["max_rss_mib"], median["cpu_s"])],
}))
EOF
