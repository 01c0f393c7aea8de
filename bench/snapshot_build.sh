#!/usr/bin/env bash
# Snapshot build at 1M DIDs + 100k rule prefixes: time and resident memory, with no floor
# (targets: ≤ 2 s, ≤ 300 MB resident). Wraps the routing engine's benchmark binary
# (bench/routing_bench.cc, CMake target c4routing_bench), which loads and validates the
# repository, compiles the snapshot and prints its figures, then, with C4_BENCH_DATABASE_URL,
# loads the live revision back from PostgreSQL and compiles it as `c4confd serve` does.
#
#   bench/snapshot_build.sh                        # full size, 3 runs
#   bench/snapshot_build.sh --runs 1 --dids 100000 --files 100
#
# Steps: the repository (bench/.data); a fresh database with the repository applied
# (`c4confd apply`, untimed); RUNS runs of c4routing_bench REPO (one benchmark, briefly: only
# the figures it prints before the benchmarks are read), medians of: compile_s (validated
# catalog → snapshot), load_snapshot_s (rows from PostgreSQL → decoded catalog → snapshot) and
# the process's peak RSS. See bench/README.md.
set -euo pipefail
BENCH_NAME=snapshot_build
. "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

usage() {
  cat <<'USAGE'
Usage: bench/snapshot_build.sh [OPTIONS]
  --runs R              runs of the benchmark binary (default 3)
  --dids N --files F --tenants T --routing-prefixes P --seed S
                        the generated repository (default 1000000, 1000, 50, 100000, 1)
  --regen --no-record --build-dir DIR --no-build   as in the other benchmarks
PostgreSQL: the server of C4CONFD_DATABASE_URL, else the worktree's ./c4 services.
USAGE
}

RUNS=3 DIDS=1000000 FILES=1000 TENANTS=50 PREFIXES=100000 SEED=1
REGEN=0 RECORD=1 BUILD=1 BUILD_DIR="$BENCH_ROOT/build"
ARGS=("$@")
BENCH_OPTIONS=(--runs=RUNS "${BENCH_REPO_OPTIONS[@]}" "${BENCH_BUILD_OPTIONS[@]}")
bench_parse_options "$@"
for v in RUNS DIDS FILES TENANTS PREFIXES; do bench_require_number "--${v,,}" "${!v}"; done
[ "$RUNS" -ge 1 ] || bench_usage_error "--runs must be at least 1"

[ "$BUILD" -eq 0 ] || bench_build "$BUILD_DIR" c4confd c4routing_bench
[ -x "$BUILD_DIR/bench/c4routing_bench" ] ||
  bench_die "$BUILD_DIR/bench/c4routing_bench not found: no routing benchmark (bench/routing_bench.cc) in this checkout yet, or libbenchmark-dev is missing"
BIN=$(bench_private_copy "$BUILD_DIR/c4confd")
RBENCH=$(bench_private_copy "$BUILD_DIR/bench/c4routing_bench")
bench_repo "$DIDS" "$FILES" "$TENANTS" "$PREFIXES" "$SEED" "$REGEN"
bench_database_server
unset C4CONFD_REDIS_URL
bench_fresh_database c4bench_snapshot
bench_say "applying $BENCH_REPO (untimed)"
"$BIN" apply "$BENCH_REPO" --database-url "$BENCH_DB_URL" >"$BENCH_TMP/apply.out" 2>&1 ||
  { tail -n 20 "$BENCH_TMP/apply.out" >&2; bench_die "c4confd apply failed (output above)"; }

LOAD_BEFORE=$(bench_loadavg)
OUTS=()
for i in $(seq 1 "$RUNS"); do
  bench_say "run $i/$RUNS"
  out=$(C4_BENCH_DATABASE_URL=$BENCH_DB_URL "$PY" "$BENCH_ROOT/bench/lib/gbench.py" --binary "$RBENCH" \
    --filter '^BM_UnorderedMapLookup$' --repetitions 1 --min-time 0.01 -- "$BENCH_REPO") ||
    bench_die "c4routing_bench failed"
  OUTS+=("$out")
done

"$PY" - "$BENCH_REPO" "$LOAD_BEFORE" "bench/snapshot_build.sh ${ARGS[*]}" "${OUTS[@]}" <<'EOF' | bench_record
import json, statistics, sys
repo, load, command = sys.argv[1:4]
marker = json.load(open(repo + "/.bench-gen.json"))
runs = []
for out in sys.argv[4:]:
    printed = {p.get("bench"): p for p in json.loads(out)["printed"]}
    build, loaded = printed.get("routing_snapshot_build"), printed.get("routing_load_snapshot")
    if not build or not loaded:
        sys.exit("bench/snapshot_build.sh: c4routing_bench printed no %s line" % (
            "routing_snapshot_build" if not build else "routing_load_snapshot"))
    runs.append({"build": build, "load": loaded})


def median(f):
    return statistics.median(f(r) for r in runs)


compile_s = median(lambda r: r["build"]["compile_s"])
load_s = median(lambda r: r["load"]["load_snapshot_s"])
peak = median(lambda r: max(r["build"]["peak_rss_mib"], r["load"]["peak_rss_mib"]))
own = median(lambda r: r["build"]["rss_after_compile_mib"] - r["build"]["rss_before_compile_mib"])
b = runs[0]["build"]
print(json.dumps({
    "benchmark": "snapshot_build",
    "title": "Snapshot build at %s numbers listed + %s ranges, %s rule prefixes" % (
        format(b["did_numbers"], ","), format(b["did_ranges"], ","), format(b["rule_prefixes"], ",")),
    "command": command.strip(),
    "loadavg_before": float(load),
    "params": dict(marker["params"], runs=len(runs)),
    "figures": {"runs": runs, "median_compile_s": compile_s, "median_load_snapshot_s": load_s,
                "median_peak_rss_mib": peak, "median_snapshot_rss_growth_mib": own},
    "floor": {},
    "checks": [
        {"name": "compile: validated catalog → snapshot (median)", "value": compile_s, "unit": "s",
         "target": {"on": "value", "op": "<=", "limit": 2}},
        {"name": "load_snapshot: PostgreSQL rows → snapshot, as serve does (median)", "value": load_s, "unit": "s",
         "target": {"on": "value", "op": "<=", "limit": 2}},
        # 300 MB = 286 MiB; the peak of the whole process (validated repository and snapshot
        # from PostgreSQL both held), an upper bound of what the snapshot needs.
        {"name": "peak RSS of the process (median)", "value": peak, "unit": "MiB",
         "target": {"on": "value", "op": "<=", "limit": 286}},
    ],
    "notes": ["the compiled snapshot itself grew RSS by %d MiB (median); limit 286 MiB = 300 MB" % own,
              "loading and validating the repository before the compile took %.2f s (not part of the snapshot build)"
              % median(lambda r: r["build"]["load_validate_s"])],
}))
EOF
