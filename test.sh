#!/usr/bin/env bash
# Builds PipeScope with ASan+UBSan (into build-test/) and runs the whole suite.
# The exit status is the suite's.
set -euo pipefail
cd "$(dirname "$0")"
.ci/install-deps.sh
cmake -S . -B build-test -DCMAKE_BUILD_TYPE=Debug -DPIPESCOPE_SANITIZE=ON -DPIPESCOPE_WERROR=ON
cmake --build build-test --parallel "$(nproc)"
export QT_QPA_PLATFORM=offscreen
cd build-test
exec ctest --output-on-failure --timeout 600 "$@"
