#!/usr/bin/env bash
# Builds what uses threads with ThreadSanitizer (g++ -fsanitize=thread) into build-tsan/ and
# runs what starts threads in core/: the explorer's multi-threaded scan (tst_procscanner's
# scan tests), SystemMonitor's worker thread (all of tst_systemmonitor: its requests and
# results pass through a std::mutex mailbox, so TSan sees every hand-off; see
# core/explorer/monitorworker.h), the transport tests that start threads and the lessons
# that do (tst_lessons). The pipeline meter samples on the GUI thread: nothing of it to run
# here.
# Fails on any TSan report (exit code 66) or test failure, and first checks that TSan does
# report a known race (tsan_selfcheck). Suppressions, Qt-internal only and each with its
# reason: tests/tsan.supp.
#   tests/run-tsan.sh
set -euo pipefail
top="$(cd "$(dirname "$0")/.." && pwd)"
build="${TSAN_BUILD_DIR:-$top/build-tsan}"

source "$top/tests/configure-once.sh"
configure_once "$build" -DPIPESCOPE_TSAN=ON
# test binary → the test functions to run (empty: all of them). tst_procscanner's others
# compare with lsof or time a pipeline, which says nothing about threads and takes minutes
# under TSan.
declare -A tests=(
    [tst_procscanner]="sameResultOnOneOrManyThreads endpointScanWithoutStatesOrFill onlyTheGivenProcesses vanishingProcessesAreSkipped observedPipelineDeliversSameSha256"
    [tst_readpipetransport]=""
    [tst_systemmonitor]="" # its slowcat row needs explorer_slowcat: tst_procscanner builds it
    [tst_transportstress]=""
    # The lessons that start threads: BlockingFifoOpen (fifoOpenThread, and the FIFO lessons
    # abandoned mid-way), the transport on a worker thread, ThreadedWriters (threadsOnePipe).
    [tst_lessons]="fifoOpenThread transportThread threadsOnePipe abandonedMidway abandonedMidStep"
)
targets=(--target tsan_selfcheck)
for name in "${!tests[@]}"; do targets+=(--target "$name"); done
cmake --build "$build" --parallel "$(nproc)" "${targets[@]}"

export TSAN_OPTIONS="suppressions=$top/tests/tsan.supp halt_on_error=0 exitcode=66 second_deadlock_stack=1"
export QT_QPA_PLATFORM=offscreen
# Qt Test's watchdog kills a test function after 5 min; TSan runs tst_transportstress's
# 64 MiB rounds 5-15x slower than the ASan build, so on a loaded machine one can pass it.
export QTEST_FUNCTION_TIMEOUT=900000
export PIPESCOPE_TEST_HELPERS="$build/tests/helpers" PIPESCOPE_TEST_FIXTURES="$top/tests/fixtures"

# A race is a matter of timing even to TSan: three chances to see the known one.
selfcheck_reported() {
    local status=0
    "$build/tsan_selfcheck" >"$build/tsan_selfcheck.log" 2>&1 || status=$?
    [ "$status" -eq 66 ] && grep -q 'WARNING: ThreadSanitizer: data race' "$build/tsan_selfcheck.log"
}
if ! selfcheck_reported && ! selfcheck_reported && ! selfcheck_reported; then
    echo "tsan: the self-check race was not reported in 3 runs: TSan is not working" >&2
    exit 1
fi
failed=()
for name in "${!tests[@]}"; do
    status=0
    # shellcheck disable=SC2086 # the function list is meant to split
    (cd "$build/tests" && "./$name" ${tests[$name]}) >"$build/tests/$name.tsan.log" 2>&1 || status=$?
    reports=$(grep -c 'WARNING: ThreadSanitizer' "$build/tests/$name.tsan.log" || true)
    echo "{\"tsan\":\"$name\",\"status\":$status,\"reports\":$reports}"
    if [ "$status" -ne 0 ]; then
        failed+=("$name")
        grep -E -A12 'WARNING: ThreadSanitizer|FAIL!' "$build/tests/$name.tsan.log" | head -60 >&2
    fi
done
if [ ${#failed[@]} -gt 0 ]; then
    echo "tsan failed: ${failed[*]} (logs: $build/tests/*.tsan.log)" >&2
    exit 1
fi
