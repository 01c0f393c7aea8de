#!/usr/bin/env bash
# The pull-request check of the CI kit (examples/ci/.github/workflows/c4confd-plan.yml) on the
# 1M-DID repository, for a pull request that changes one DID file: the workflow's own shell
# steps (tools; plan --against the merge base with no database, which validates the pull
# request's revision and writes the annotations and the SARIF log; the verdict; the comment step
# honours C4CONFD_NO_COMMENT=1) run with this build's c4confd, timed. A first run fills the Git
# cache (--cache-dir, the "blob cache" a CI cache keeps between runs); the RUNS after it are
# timed with that cache warm. Target: the check (the plan step) ≤ 2 s. See docs/pull-requests.md.
#
#   bench/pr_check.sh                          # full size, 5 timed runs
#   bench/pr_check.sh --dids 100000 --files 100 --runs 3
set -euo pipefail
BENCH_NAME=pr_check
. "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

usage() {
  cat <<'USAGE'
Usage: bench/pr_check.sh [OPTIONS]
  --runs N              timed runs with the cache warm (default 5)
  --dids N --files F --tenants T --routing-prefixes P --seed S
                        the generated repository (default 1000000, 1000, 50, 100000, 1)
  --regen               regenerate the repository even if a cached copy matches
  --no-record           do not append to bench/results/pr_check.jsonl
  --build-dir DIR       CMake build directory (default <repo>/build)
  --no-build            use the existing DIR/c4confd as is (no cmake --build)
USAGE
}

RUNS=5 DIDS=1000000 FILES=1000 TENANTS=50 PREFIXES=100000 SEED=1
REGEN=0 RECORD=1 BUILD=1 BUILD_DIR="$BENCH_ROOT/build"
ARGS=("$@")
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) RUNS=$2; shift 2 ;;
    --dids) DIDS=$2; shift 2 ;;
    --files) FILES=$2; shift 2 ;;
    --tenants) TENANTS=$2; shift 2 ;;
    --routing-prefixes) PREFIXES=$2; shift 2 ;;
    --seed) SEED=$2; shift 2 ;;
    --regen) REGEN=1; shift ;;
    --no-record) RECORD=0; shift ;;
    --build-dir) BUILD_DIR=$2; shift 2 ;;
    --no-build) BUILD=0; shift ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; bench_usage_error "unknown option $1" ;;
  esac
done
for v in RUNS DIDS FILES TENANTS PREFIXES SEED; do bench_require_number "$v" "${!v}"; done
"$PY" -c 'import yaml' 2>/dev/null || bench_install_packages python3-yaml
command -v jq >/dev/null || bench_install_packages jq

[ "$BUILD" -eq 0 ] || bench_build "$BUILD_DIR" c4confd
BIN=$(bench_private_copy "$BUILD_DIR/c4confd")
bench_repo "$DIDS" "$FILES" "$TENANTS" "$PREFIXES" "$SEED" "$REGEN"

# --- the manifest repository and its pull request --------------------------------------------
# The workflow finds `c4confd` on PATH: the private copy's directory (bench_private_copy).
ORIGIN=$BENCH_TMP/origin CHECKOUT=$BENCH_TMP/checkout TEMP=$BENCH_TMP/runner-temp BIN_DIR=$(dirname "$BIN")
mkdir -p "$TEMP" "$BENCH_TMP/home"
bench_say "making the manifest repository (branch main) and a pull request changing one DID file"
cp -a "$BENCH_REPO" "$ORIGIN"
cp -a "$BENCH_ROOT/examples/ci/." "$ORIGIN/"
git_() { git -C "$1" -c user.name=bench -c user.email=bench@example.org -c commit.gpgsign=false "${@:2}"; }
git_ "$ORIGIN" init -q -b main
git_ "$ORIGIN" add -A
git_ "$ORIGIN" commit -q -m "the 1M-DID repository"
git_ "$ORIGIN" checkout -q -b change
"$PY" "$BENCH_ROOT/bench/gen_repo.py" --out "$ORIGIN" --change-one 1 >/dev/null || bench_die "gen_repo.py --change-one failed"
git_ "$ORIGIN" commit -qam "one DID file changed"
CHANGED=$(git_ "$ORIGIN" diff --name-only HEAD~1 HEAD | grep -v '^\.' | tr '\n' ' ')
git_ "$ORIGIN" checkout -q main
git clone -q "file://$ORIGIN" "$CHECKOUT"
git -C "$CHECKOUT" checkout -q --detach origin/change
echo '{"pull_request": {"number": 1}}' >"$BENCH_TMP/event.json"

run_check() {  # run_check LABEL: the workflow's steps once; their timings to $BENCH_TMP/LABEL.json
  "$PY" "$BENCH_ROOT/bench/lib/workflow_steps.py" "$CHECKOUT/.github/workflows/c4confd-plan.yml" plan "$CHECKOUT" \
    PATH="$BIN_DIR:/usr/local/bin:/usr/bin:/bin" HOME="$BENCH_TMP/home" RUNNER_TEMP="$TEMP" \
    GITHUB_WORKSPACE="$CHECKOUT" GITHUB_BASE_REF=main GITHUB_EVENT_PATH="$BENCH_TMP/event.json" \
    GITHUB_REPOSITORY=bench/manifests GITHUB_OUTPUT="$TEMP/output" GITHUB_STEP_SUMMARY="$TEMP/summary.md" \
    C4CONFD_NO_COMMENT=1 >"$BENCH_TMP/$1.json" || bench_die "the workflow failed on run $1: $(cat "$BENCH_TMP/$1.json")"
  jq -e .ok "$BENCH_TMP/$1.json" >/dev/null || bench_die "run $1: a step failed"
}

LOAD_BEFORE=$(bench_loadavg)
bench_say "first run: fills the Git cache (cold)"
run_check cold
labels=()
for i in $(seq 1 "$RUNS"); do
  bench_say "run $i/$RUNS (cache warm)"
  run_check "run$i"
  labels+=("run$i")
done
PLAN_STATUS=$(cat "$TEMP/c4confd-plan.status")
[ "$PLAN_STATUS" = 2 ] || bench_die "plan exited $PLAN_STATUS, expected 2 (changes)"
cp "$TEMP/c4confd-plan.md" "$BENCH_TMP/comment.md"

"$PY" - "$BENCH_TMP" "$BENCH_REPO" "$LOAD_BEFORE" "bench/pr_check.sh ${ARGS[*]}" "$CHANGED" "${labels[@]}" <<'PYEOF' | bench_record
import json, os, statistics, sys
tmp, data, load, command, changed = sys.argv[1:6]
labels = sys.argv[6:]
def steps(label):
    return {s["name"]: s["seconds"] for s in json.load(open(os.path.join(tmp, label + ".json")))["steps"]}
def pick(run, word):
    return sum(v for k, v in run.items() if k.lower().startswith(word))
runs = [steps(l) for l in labels]
cold = steps("cold")
check = [pick(r, "plan") for r in runs]  # the step that validates and plans the pull request
job = [sum(r.values()) for r in runs]
marker = json.load(open(os.path.join(data, ".bench-gen.json")))
comment = open(os.path.join(tmp, "comment.md")).read()
print(json.dumps({
    "benchmark": "pr_check",
    "title": "Pull-request check of the CI kit, one changed DID file of the 1M-DID repository",
    "command": command, "loadavg_before": float(load),
    "params": marker["params"],
    "figures": {"changed_files": changed.split(), "runs": runs, "cold": cold,
                "comment_chars": len(comment), "comment_first_lines": comment.splitlines()[:12]},
    "checks": [
        {"name": "check: the plan step (validate + plan --against the merge base), cache warm (median of %d)" % len(runs),
         "value": round(statistics.median(check), 3), "unit": "s",
         "target": {"on": "value", "op": "<=", "limit": 2}},
        {"name": "every shell step of the job (median)", "value": round(statistics.median(job), 3), "unit": "s"},
        {"name": "check with the Git cache cold (first run)", "value": round(pick(cold, "plan"), 3), "unit": "s"},
    ],
    "notes": ["Steps as in examples/ci/.github/workflows/c4confd-plan.yml, run by bench/lib/workflow_steps.py; "
              "the comment step is skipped by C4CONFD_NO_COMMENT=1 (its cost is two HTTPS calls to GitHub)."],
}))
PYEOF
