# The option parsing of every bench/*.sh: one table per benchmark, one loop here. Source it
# (bench/lib/common.sh does), then:
#
#   bench_parse_options "$@"     with BENCH_OPTIONS set, for instance
#   BENCH_OPTIONS=(--runs=RUNS --no-single-thread:SINGLE=0 "${BENCH_REPO_OPTIONS[@]}" "${BENCH_BUILD_OPTIONS[@]}")
#
# An entry "--name=VAR" takes a value (`--name V` or `--name=V`) into VAR; "--name:VAR=VALUE"
# is a flag that sets VAR to VALUE. -h/--help calls the benchmark's `usage` and exits 0; an
# unknown option or a missing value prints `usage` on stderr and exits 2.

# The generated repository's parameters (bench_repo) and the build and record switches, which
# most benchmarks share.
BENCH_REPO_OPTIONS=(--dids=DIDS --files=FILES --tenants=TENANTS --routing-prefixes=PREFIXES --seed=SEED
                    --regen:REGEN=1)
BENCH_BUILD_OPTIONS=(--no-record:RECORD=0 --build-dir=BUILD_DIR --no-build:BUILD=0)

_bench_options_error() {
  if declare -F usage >/dev/null; then usage >&2; fi
  echo "bench/$(basename "$0"): $*" >&2
  exit 2
}

bench_parse_options() {
  local arg name value entry found
  while [ $# -gt 0 ]; do
    arg=$1
    shift
    if [ "$arg" = -h ] || [ "$arg" = --help ]; then
      if declare -F usage >/dev/null; then usage; else sed -n '2,12p' "$0"; fi
      exit 0
    fi
    name=${arg%%=*}
    found=0
    for entry in "${BENCH_OPTIONS[@]}"; do
      if [ "${entry%%=*}" = "$name" ]; then  # --name=VAR: takes a value
        if [ "$arg" != "$name" ]; then value=${arg#*=}
        elif [ $# -gt 0 ]; then value=$1; shift
        else _bench_options_error "$name needs a value"
        fi
        printf -v "${entry#*=}" '%s' "$value"
        found=1
        break
      fi
      if [ "${entry%%:*}" = "$arg" ]; then  # --name:VAR=VALUE: a flag
        entry=${entry#*:}
        printf -v "${entry%%=*}" '%s' "${entry#*=}"
        found=1
        break
      fi
    done
    [ "$found" -eq 1 ] || _bench_options_error "unknown option $arg"
  done
}
