#!/usr/bin/env bash
# Builds PipeScope with ASan+UBSan (into build-test/) and runs the whole suite; then, for the
# whole suite only (no ctest arguments), .ci/test-package.sh: the Debian package built from a
# Release build, installed, run and removed (skip it with PIPESCOPE_PACKAGE_TEST=0).
# The exit status is non-zero if either failed.
set -euo pipefail
cd "$(dirname "$0")"
.ci/install-deps.sh
cmake -S . -B build-test -DCMAKE_BUILD_TYPE=Debug -DPIPESCOPE_SANITIZE=ON -DPIPESCOPE_WERROR=ON
cmake --build build-test --parallel "$(nproc)"
export QT_QPA_PLATFORM=offscreen
status=0
(cd build-test && ctest --output-on-failure --timeout 600 "$@") || status=$?
if [ $# -eq 0 ] && [ "${PIPESCOPE_PACKAGE_TEST:-1}" = 1 ]; then
    .ci/test-package.sh || status=$?
fi
exit "$status"
