#!/usr/bin/env bash
# Routing in process: the routing engine's Google Benchmark figures (bench/routing_bench.cc,
# CMake target c4routing_bench) against its floor, a std::unordered_map lookup of the same
# number in the same binary. Target: ≤ 2× the lookup's time, checked for the engine's own
# number step (BM_DidLookupExact, BM_DidLookupRange: the same number's text parsed and looked
# up in the snapshot's tables, like for like with the floor) and for the whole route() calls.
#
#   bench/routing_in_process.sh                    # full size, 5 repetitions of 0.5 s
#   bench/routing_in_process.sh --repetitions 3 --min-time 0.2
#
# Medians over the repetitions (Google Benchmark's own), single thread, real time:
# BM_UnorderedMapLookup (floor), BM_DidLookupExact and BM_DidLookupRange (the number step),
# BM_RouteInboundDid (a trunk call to a DID), BM_RouteOutboundRule (a PBX call through the
# routing plan) — all checked against the target — and, for information, BM_RoutingReplyJson (JSON body in, rtjson text out),
# BM_RouteInboundDidCounted (the same call counted as the server counts it: capacity and the
# routing-outcome metrics; its difference from BM_RouteInboundDid is their cost) and the
# two-thread runs. See bench/README.md.
set -euo pipefail
BENCH_NAME=routing_in_process
. "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

usage() {
  cat <<'USAGE'
Usage: bench/routing_in_process.sh [OPTIONS]
  --repetitions N       Google Benchmark repetitions (default 5)
  --min-time S          seconds per repetition (default 0.5)
  --dids N --files F --tenants T --routing-prefixes P --seed S
                        the generated repository (default 1000000, 1000, 50, 100000, 1)
  --regen --no-record --build-dir DIR --no-build   as in the other benchmarks
USAGE
}

REPETITIONS=5 MIN_TIME=0.5 DIDS=1000000 FILES=1000 TENANTS=50 PREFIXES=100000 SEED=1
REGEN=0 RECORD=1 BUILD=1 BUILD_DIR="$BENCH_ROOT/build"
ARGS=("$@")
BENCH_OPTIONS=(--repetitions=REPETITIONS --min-time=MIN_TIME "${BENCH_REPO_OPTIONS[@]}" "${BENCH_BUILD_OPTIONS[@]}")
bench_parse_options "$@"
for v in REPETITIONS DIDS FILES TENANTS PREFIXES; do bench_require_number "--${v,,}" "${!v}"; done
[[ "$MIN_TIME" =~ ^[0-9]+(\.[0-9]+)?$ ]] || bench_usage_error "--min-time expects seconds, got \"$MIN_TIME\""

[ "$BUILD" -eq 0 ] || bench_build "$BUILD_DIR" c4routing_bench
[ -x "$BUILD_DIR/bench/c4routing_bench" ] ||
  bench_die "$BUILD_DIR/bench/c4routing_bench not found: no routing benchmark (bench/routing_bench.cc) in this checkout yet, or libbenchmark-dev is missing"
RBENCH=$(bench_private_copy "$BUILD_DIR/bench/c4routing_bench")
bench_repo "$DIDS" "$FILES" "$TENANTS" "$PREFIXES" "$SEED" "$REGEN"

LOAD_BEFORE=$(bench_loadavg)
bench_say "c4routing_bench: $REPETITIONS repetitions of $MIN_TIME s per benchmark"
OUT=$(env -u C4_BENCH_DATABASE_URL "$PY" "$BENCH_ROOT/bench/lib/gbench.py" --binary "$RBENCH" \
  --repetitions "$REPETITIONS" --min-time "$MIN_TIME" -- "$BENCH_REPO") || bench_die "c4routing_bench failed"

"$PY" - "$OUT" "$BENCH_REPO" "$LOAD_BEFORE" "bench/routing_in_process.sh ${ARGS[*]}" "$REPETITIONS" "$MIN_TIME" <<'EOF' | bench_record
import json, sys
out = json.loads(sys.argv[1])
repo, load, command, repetitions, min_time = sys.argv[2:7]
marker = json.load(open(repo + "/.bench-gen.json"))
bench = out["benchmarks"]


def find(prefix, threads=1):
    """The benchmark named prefix (with /threads:N when it ran on several thread counts)."""
    for name, b in bench.items():
        if (name == prefix and threads == 1) or (name.startswith(prefix + "/") and "threads:%d" % threads in name):
            return name, b
    if threads == 1:
        for name, b in bench.items():
            if name.startswith(prefix + "/") and "threads:" not in name:
                return name, b
    return None, None


floor_name, floor = find("BM_UnorderedMapLookup")
if floor is None:
    sys.exit("bench/routing_in_process.sh: c4routing_bench has no BM_UnorderedMapLookup: %s" % sorted(bench))
checks, notes = [], []
for prefix, what, targeted in (("BM_DidLookupExact", "DID lookup step: E.164 text → DID, exact number", True),
                               ("BM_DidLookupRange", "DID lookup step: E.164 text → DID, number in a range", True),
                               ("BM_RouteInboundDid", "route(): trunk call to a DID", True),
                               ("BM_RouteInboundDidCounted", "route() + capacity + routing metrics: trunk call to a DID (information)", False),
                               ("BM_RouteOutboundRule", "route(): PBX call through the routing plan", True),
                               ("BM_RoutingReplyJson", "routing_reply(): JSON in, rtjson out (information)", False)):
    name, b = find(prefix)
    if b is None:
        notes.append("c4routing_bench has no %s" % prefix)
        continue
    c = {"name": what, "value": round(b["real_time_ns"], 1), "unit": "ns", "floor": round(floor["real_time_ns"], 2),
         "floor_name": "unordered_map find"}
    if targeted:
        c["target"] = {"on": "ratio", "op": "<=", "limit": 2}
    checks.append(c)
    notes.append("%s: %.0f ns real, %.0f ns CPU" % (name, b["real_time_ns"], b["cpu_time_ns"]))
    name2, b2 = find(prefix, 2)
    if b2 is not None:
        notes.append("%s: %.0f ns real per call, %.0f ns CPU" % (name2, b2["real_time_ns"], b2["cpu_time_ns"]))
notes.append("%s (floor): %.1f ns real, %.1f ns CPU" % (floor_name, floor["real_time_ns"], floor["cpu_time_ns"]))
print(json.dumps({
    "benchmark": "routing_in_process",
    "title": "Routing in process (Google Benchmark) vs std::unordered_map lookup of the same number",
    "command": command.strip(),
    "loadavg_before": float(load),
    "params": dict(marker["params"], repetitions=int(repetitions), min_time_s=float(min_time)),
    "figures": {"benchmarks": bench, "printed": out["printed"]},
    "floor": {"name": floor_name, **floor},
    "checks": checks,
    "notes": notes,
}))
EOF
