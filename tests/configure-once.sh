# Sourced by tests/fuzz/run-fuzzers.sh and tests/run-tsan.sh.
# configure_once BUILD-DIR CMAKE-ARGS...: configures BUILD-DIR (RelWithDebInfo, ninja and
# ccache when present, no GUI or benchmarks) unless it already is.
configure_once() {
    local build="$1"
    shift
    [ -f "$build/CMakeCache.txt" ] && return 0
    local extra=()
    command -v ccache >/dev/null && extra+=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
    command -v ninja >/dev/null && extra+=(-G Ninja)
    cmake -S "$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)" -B "$build" "${extra[@]}" \
          -DCMAKE_BUILD_TYPE=RelWithDebInfo -DPIPESCOPE_BUILD_GUI=OFF -DPIPESCOPE_BUILD_BENCH=OFF \
          "$@" >/dev/null
}
