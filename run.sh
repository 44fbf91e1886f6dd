#!/usr/bin/env bash
# Builds PipeScope (Release, into build/) and starts it; arguments go to pipescope.
set -euo pipefail
cd "$(dirname "$0")"
.ci/install-deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DPIPESCOPE_BUILD_TESTS=OFF -DPIPESCOPE_BUILD_BENCH=OFF >/dev/null
cmake --build build --parallel "$(nproc)"
exec build/app/pipescope "$@"
