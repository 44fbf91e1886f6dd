#!/usr/bin/env bash
# Builds PipeScope with ASan+UBSan (into build-test/) and runs the whole suite. Called without
# ctest arguments, three more steps follow: the Debian package built, installed, run and
# removed (.ci/test-package.sh), every libFuzzer harness for 25 s, and a ThreadSanitizer build
# of what uses threads. Every step runs; the exit status is non-zero if any failed.
set -euo pipefail
cd "$(dirname "$0")"
.ci/install-deps.sh
cmake -S . -B build-test -DCMAKE_BUILD_TYPE=Debug -DPIPESCOPE_SANITIZE=ON -DPIPESCOPE_WERROR=ON
cmake --build build-test --parallel "$(nproc)"
export QT_QPA_PLATFORM=offscreen
status=0
failed=()
(cd build-test && ctest --output-on-failure --timeout 600 "$@") || { status=$?; failed+=(ctest); }
# With ctest arguments only ctest runs (e.g. ./test.sh -R tst_lab).
[ $# -eq 0 ] || exit "$status"

# The package: a Release build, cpack -G DEB, apt-get install, run, purge, nothing left in /usr
# (root or sudo). PIPESCOPE_PACKAGE_TEST=0 skips it.
if [ "${PIPESCOPE_PACKAGE_TEST:-1}" = 1 ]; then
    .ci/test-package.sh || { status=$?; failed+=(package); }
fi
# Every libFuzzer harness for FUZZ_SECONDS (default 25) each, built with clang-14 into
# build-fuzz/; fails on any crash, leak, UB report or broken invariant (tests/fuzz/README.md).
# PIPESCOPE_SKIP_FUZZ=1 skips it.
if [ "${PIPESCOPE_SKIP_FUZZ:-0}" != 1 ]; then
    tests/fuzz/run-fuzzers.sh || { status=$?; failed+=(fuzz); fuzz_failures="${FUZZ_BUILD_DIR:-build-fuzz}/fuzz-failures.txt"; }
fi
# ThreadSanitizer (g++) build of what uses threads into build-tsan/, zero reports allowed
# (tests/run-tsan.sh, suppressions in tests/tsan.supp). PIPESCOPE_SKIP_TSAN=1 skips it.
if [ "${PIPESCOPE_SKIP_TSAN:-0}" != 1 ]; then
    tests/run-tsan.sh || { status=$?; failed+=(tsan); }
fi
# A fuzzing failure again, with its input: a long log's tail is often all that is read.
[ -z "${fuzz_failures:-}" ] || cat "$fuzz_failures" 2>/dev/null || true
# The last line says which steps failed: a long log's tail is often all that is read.
echo "test.sh: failed steps: ${failed[*]:-none} (of ctest, package, fuzz, tsan)"
exit "$status"
