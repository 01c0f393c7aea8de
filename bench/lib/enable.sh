# Sourced by bench/lib/common.sh and by the bench scripts that do not use it: defines
# bench_enable, nothing else.
# bench_enable BUILD_DIR: configures BUILD_DIR the first time (RelWithDebInfo, like ./c4 build)
# and turns on the benchmark harnesses (-DC4_BUILD_BENCH=ON; ./c4 build, demo and test turn
# them off again).
bench_enable() {
  local dir=$1 root
  root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
  if [ ! -f "$dir/CMakeCache.txt" ]; then
    echo "== configuring $dir (RelWithDebInfo, C4_BUILD_BENCH=ON)" >&2
    local gen=()
    command -v ninja >/dev/null && gen=(-G Ninja)
    cmake -S "$root" -B "$dir" "${gen[@]}" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DC4_BUILD_BENCH=ON >&2 ||
      { echo "cmake configure of $dir failed" >&2; return 1; }
  elif ! grep -qx 'C4_BUILD_BENCH:BOOL=ON' "$dir/CMakeCache.txt"; then
    echo "== configuring $dir with C4_BUILD_BENCH=ON" >&2
    cmake -S "$root" -B "$dir" -DC4_BUILD_BENCH=ON >&2 || { echo "cmake configure of $dir failed" >&2; return 1; }
  fi
}
