#!/usr/bin/env bash
# Builds the libFuzzer harnesses (clang-14, -fsanitize=fuzzer,address,undefined) into
# build-fuzz/ and runs each one for FUZZ_SECONDS (default 25: 13 harnesses and the build stay
# within about 10 minutes of CI) on a copy of its seed corpus.
# Fails on any crash, leak, UBSan report or timeout; prints one JSON line per harness with
# executions per second and edges covered.
#   tests/fuzz/run-fuzzers.sh              all harnesses
#   tests/fuzz/run-fuzzers.sh stat syscall only these
#   FUZZ_SECONDS=600 FUZZ_SEED=0 tests/fuzz/run-fuzzers.sh labjson   a longer, random hunt
# A crash leaves its input as build-fuzz/fuzz-runs/<name>/crash-*: add it to
# tests/fuzz/corpus/<name>/ and a regression test to tests/tst_fuzzregressions.cpp.
set -euo pipefail
top="$(cd "$(dirname "$0")/../.." && pwd)"
build="${FUZZ_BUILD_DIR:-$top/build-fuzz}"
seconds="${FUZZ_SECONDS:-25}"
# A fixed seed by default: the same binary and corpus then try the same inputs in the same
# order, so what fails on CI fails again here (CI keeps no files). FUZZ_SEED=0: a random seed,
# for a longer hunt.
seed="${FUZZ_SEED:-1}"
cxx="${FUZZ_CXX:-clang++-14}"
# Every harness there is: tests/fuzz/fuzz_<name>.cpp.
all=()
for source in "$top"/tests/fuzz/fuzz_*.cpp; do
    name="${source##*/fuzz_}"
    all+=("${name%.cpp}")
done
names=("$@")
[ ${#names[@]} -gt 0 ] || names=("${all[@]}")

# report_failure NAME WORK-DIR: the log's error lines and every input libFuzzer left behind
# (max_len keeps them under 4 KiB), so a failure seen only on CI can be replayed from its log.
report_failure() {
    echo "fuzz_$1 failed:"
    (grep -E 'ERROR|SUMMARY|runtime error|invariant|crash-|leak-|timeout-|oom-' "$2/log" || true) | head -20
    local input
    for input in "$2"/crash-* "$2"/leak-* "$2"/timeout-* "$2"/oom-* "$2"/slow-unit-*; do
        [ -f "$input" ] || continue
        echo "input ${input##*/} (base64 -d > input; build-fuzz/tests/fuzz/fuzz_$1 input):"
        base64 -w0 "$input"
        echo
    done
}

# What failed, with each failing input in base64, is also written to $summary: CI keeps only the
# tail of a long log, so test.sh prints this file again at its very end.
summary="$build/fuzz-failures.txt"
mkdir -p "$build" && : >"$summary"   # emptied first: a failed build leaves no old report

source "$top/tests/configure-once.sh"
configure_once "$build" -DCMAKE_CXX_COMPILER="$cxx" -DPIPESCOPE_FUZZ=ON -DPIPESCOPE_BUILD_TESTS=OFF
targets=()
for name in "${names[@]}"; do targets+=(--target "fuzz_$name"); done
cmake --build "$build" --parallel "$(nproc)" "${targets[@]}"

export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
export LSAN_OPTIONS="suppressions=$top/tests/lsan.supp"
symbolizer=$(command -v llvm-symbolizer-14 || command -v llvm-symbolizer || true)
[ -z "$symbolizer" ] || export ASAN_SYMBOLIZER_PATH="$symbolizer"
export QT_LOGGING_RULES="pipescope.*=false"
failed=()
for name in "${names[@]}"; do
    work="$build/fuzz-runs/$name"
    rm -rf "$work" && mkdir -p "$work/corpus"
    cp "$top/tests/fuzz/corpus/$name/"* "$work/corpus/" 2>/dev/null || true
    dict=()
    [ -f "$top/tests/fuzz/$name.dict" ] && dict=("-dict=$top/tests/fuzz/$name.dict")
    status=0
    (cd "$work" && "$build/tests/fuzz/fuzz_$name" "${dict[@]}" -seed="$seed" -max_total_time="$seconds" \
         -timeout=10 -rss_limit_mb=2048 -max_len=4096 -print_final_stats=1 corpus) \
         >"$work/log" 2>&1 || status=$?
    # (A crash on a seed leaves no "cov:" line: grep finding nothing must not end the script.)
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/log" | tail -1)
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$work/log" | tail -1)
    edges=$( (grep -o 'cov: [0-9]*' "$work/log" || true) | tail -1 | cut -d' ' -f2)
    echo "{\"harness\":\"fuzz_$name\",\"seed\":$seed,\"seconds\":$seconds,\"execs\":${execs:-0},\"execs_per_s\":${rate:-0},\"edges\":${edges:-0},\"status\":$status}"
    if [ "$status" -ne 0 ]; then
        failed+=("$name")
        report_failure "$name" "$work" | tee -a "$summary" >&2
    fi
done
if [ ${#failed[@]} -gt 0 ]; then
    echo "fuzzing failed: ${failed[*]} (logs and inputs in $build/fuzz-runs/)" >&2
    exit 1
fi
