#!/usr/bin/env bash
# Benchmarks `c4confd validate` on a large generated repository (default: 1,000,000 numbers in
# 1,000 DID files, 50 tenants, 100,000 routing prefixes).
#
#   bench/validate.sh                                 # full size
#   bench/validate.sh --dids 100000 --files 100      # quick
#
# Steps: build (incremental), generate the repository into bench/.data/ unless a copy with the
# same parameters and the same generator is already there, one untimed warm-up run (also checks
# 0 errors and 0 warnings), RUNS timed runs under /usr/bin/time -v with every core, one timed
# run with --threads 1, then a table on stdout and one JSON line appended to
# bench/results/validate.jsonl. See bench/README.md.
set -euo pipefail

usage() {
  cat <<'EOF'
Usage: bench/validate.sh [OPTIONS]
  --dids N              numbers in DID lists and ranges (default 1000000)
  --files F             DID files (default 1000)
  --tenants T           tenants (default 50)
  --routing-prefixes P  routing rule prefixes in total (default 100000)
  --seed S              generator seed (default 1)
  --runs R              timed runs with all cores (default 3)
  --no-single-thread    skip the --threads 1 run
  --regen               regenerate the repository even if a cached copy matches
  --no-record           do not append to bench/results/validate.jsonl
  --build-dir DIR       CMake build directory (default <repo>/build)
  --no-build            use the existing DIR/c4confd as is (no cmake --build)
EOF
}

BENCH_NAME=validate
. "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
ROOT=$BENCH_ROOT
DIDS=1000000 FILES=1000 TENANTS=50 PREFIXES=100000 SEED=1 RUNS=3
SINGLE=1 REGEN=0 RECORD=1 BUILD=1 BUILD_DIR="$ROOT/build"
BENCH_OPTIONS=(--runs=RUNS --no-single-thread:SINGLE=0 "${BENCH_REPO_OPTIONS[@]}" "${BENCH_BUILD_OPTIONS[@]}")
bench_parse_options "$@"
for v in "$DIDS" "$FILES" "$TENANTS" "$PREFIXES" "$RUNS"; do
  [[ "$v" =~ ^[0-9]+$ ]] || { echo "bench/validate.sh: expected a number, got \"$v\"" >&2; exit 2; }
done
[ "$RUNS" -ge 1 ] || { echo "bench/validate.sh: --runs must be at least 1" >&2; exit 2; }

# --- 1. build, 2. repository (bench/lib/common.sh) ----------------------------------------------
[ -x /usr/bin/time ] || bench_install_packages time
[ "$BUILD" -eq 0 ] || bench_build "$BUILD_DIR" c4confd
# Every run uses one private copy of the binary, so a concurrent rebuild in the build
# directory cannot swap it (or make it unrunnable) between runs.
BIN=$(bench_private_copy "$BUILD_DIR/c4confd")
BIN_SHA=$(sha256sum "$BIN" | cut -d' ' -f1)
bench_repo "$DIDS" "$FILES" "$TENANTS" "$PREFIXES" "$SEED" "$REGEN"
DATA=$BENCH_REPO GENERATED=$BENCH_REPO_GENERATED

# --- 3. runs -------------------------------------------------------------------------------
TMP=$BENCH_TMP

run() {  # run LABEL THREADS: one timed run; stdout to $TMP/LABEL.out, time -v to $TMP/LABEL.time
  local label=$1 threads=$2 rc=0
  /usr/bin/time -v -o "$TMP/$label.time" "$BIN" validate --threads "$threads" "$DATA" >"$TMP/$label.out" 2>&1 || rc=$?
  local last
  last=$(tail -n 1 "$TMP/$label.out")
  if [ "$rc" -ne 0 ] || [[ "$last" != *"valid: "*"; 0 errors, 0 warnings" ]]; then
    echo "bench/validate.sh: run $label failed (exit $rc); output:" >&2
    tail -n 20 "$TMP/$label.out" >&2
    exit 1
  fi
}

# Other processes skew the figures: record the load average before the runs.
LOAD_BEFORE=$(bench_loadavg)
echo "== warm-up run (page cache, sanity check)" >&2
run warmup 0
echo "   $(tail -n 1 "$TMP/warmup.out")" >&2
labels=()
for i in $(seq 1 "$RUNS"); do
  echo "== run $i/$RUNS (all cores)" >&2
  run "run$i" 0
  labels+=("run$i")
done
if [ "$SINGLE" -eq 1 ]; then
  echo "== run with --threads 1" >&2
  run single 1
fi

# --- 4. report -----------------------------------------------------------------------------
COMMIT=$(git -C "$ROOT" rev-parse --short=12 HEAD 2>/dev/null || echo unknown)
DIRTY=false
if [ -n "$(git -C "$ROOT" status --porcelain --untracked-files=no 2>/dev/null)" ]; then DIRTY=true; fi
BUILD_TYPE=$(sed -n 's/^CMAKE_BUILD_TYPE:[A-Z]*=//p' "$BUILD_DIR/CMakeCache.txt" 2>/dev/null | head -n 1)
LOAD_AFTER=$(cut -d' ' -f1 /proc/loadavg)
CXX_ID=$( (c++ --version 2>/dev/null || true) | head -n 1)
mkdir -p "$ROOT/bench/results"
RESULTS="$ROOT/bench/results/validate.jsonl"
[ "$RECORD" -eq 1 ] || RESULTS=""

"$PY" - "$TMP" "$DATA" "$RESULTS" "$COMMIT" "$DIRTY" "$GENERATED" "${BUILD_TYPE:-}" "$CXX_ID" "$SINGLE" \
  "$BUILD_DIR" "$LOAD_BEFORE" "$LOAD_AFTER" "$BIN_SHA" "${labels[@]}" <<'EOF'
import datetime, json, os, platform, re, statistics, sys

(tmp, data, results, commit, dirty, generated, build_type, cxx, single, build_dir, load_before, load_after,
 binary_sha256) = sys.argv[1:14]
labels = sys.argv[14:]

# Optimisation flags the model library was compiled with (CMAKE_BUILD_TYPE may be empty in
# the cache when CMakeLists.txt picks the default).
build_flags = None
try:
    for entry in json.load(open(os.path.join(build_dir, "compile_commands.json"))):
        if entry["file"].endswith("model/validate.cc"):
            words = entry.get("command", " ".join(entry.get("arguments", []))).split()
            build_flags = " ".join(w for w in words if re.match(r"^(-O\S*|-g\S*|-DNDEBUG|-march=\S+|-flto\S*)$", w))
except (OSError, ValueError, KeyError):
    pass

def parse(label):
    text = open(os.path.join(tmp, label + ".time")).read()
    def field(name):
        m = re.search(r"^\s*" + re.escape(name) + r": (.*)$", text, re.M)
        return m.group(1).strip()
    wall = 0.0
    for part in field("Elapsed (wall clock) time (h:mm:ss or m:ss)").split(":"):
        wall = wall * 60 + float(part)
    user, sys_ = float(field("User time (seconds)")), float(field("System time (seconds)"))
    rss = int(field("Maximum resident set size (kbytes)"))
    return {"wall_s": round(wall, 3), "user_s": user, "sys_s": sys_, "cpu_s": round(user + sys_, 3),
            "max_rss_mib": round(rss / 1024, 1)}

runs = [parse(l) for l in labels]
median = {k: round(statistics.median(r[k] for r in runs), 3) for k in ("wall_s", "cpu_s", "max_rss_mib")}
single_run = parse("single") if single == "1" else None
marker = json.load(open(os.path.join(data, ".bench-gen.json")))
summary_line = open(os.path.join(tmp, "warmup.out")).read().strip().splitlines()[-1]

cpuinfo = open("/proc/cpuinfo").read()
model = re.search(r"^model name\s*:\s*(.*)$", cpuinfo, re.M)
mem = re.search(r"^MemTotal:\s*(\d+) kB", open("/proc/meminfo").read(), re.M)
machine = {"nproc": os.cpu_count(), "cpu": model.group(1).strip() if model else platform.machine(),
           "mem_gib": round(int(mem.group(1)) / 1048576, 1) if mem else None, "kernel": platform.release()}

print()
print("c4confd validate: %s" % summary_line.split(": ", 1)[-1])
print("repository: %s (%s files, %.1f MB; generated in %.2f s%s)" % (
    data, marker["files"], marker["bytes"] / 1e6, marker["seconds"], "" if generated == "1" else ", cached"))
print("machine: %d cores, %s; load average %s before, %s after; build %s; commit %s%s" % (
    machine["nproc"], machine["cpu"], load_before, load_after,
    build_type or build_flags or "?", commit, " (dirty)" if dirty == "true" else ""))
print()
print("%-22s %9s %12s %13s" % ("run", "wall (s)", "user+sys (s)", "peak RSS (MiB)"))
for label, r in zip(labels, runs):
    print("%-22s %9.2f %12.2f %13.1f" % (label + " (all cores)", r["wall_s"], r["cpu_s"], r["max_rss_mib"]))
print("%-22s %9.2f %12.2f %13.1f" % ("median", median["wall_s"], median["cpu_s"], median["max_rss_mib"]))
if single_run:
    print("%-22s %9.2f %12.2f %13.1f" % ("--threads 1", single_run["wall_s"], single_run["cpu_s"],
                                         single_run["max_rss_mib"]))

record = {
    "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
    "benchmark": "validate",
    "commit": commit, "dirty": dirty == "true", "build_type": build_type or None, "build_flags": build_flags,
    "compiler": cxx, "binary_sha256": binary_sha256,
    "machine": machine, "loadavg_before": float(load_before), "loadavg_after": float(load_after),
    "params": marker["params"],
    "repo": {k: marker[k] for k in ("files", "documents", "numbers", "numbers_listed", "numbers_in_ranges",
                                    "prefixes", "bytes")},
    "generator_seconds": marker["seconds"],
    "summary": summary_line,
    "runs": runs, "median": median, "threads_1": single_run,
}
if results:
    with open(results, "a") as f:
        f.write(json.dumps(record, sort_keys=False) + "\n")
    print("\nappended to %s" % os.path.relpath(results))
EOF
