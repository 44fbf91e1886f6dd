#!/usr/bin/env bash
# Installs the Debian 12 packages PipeScope needs to build, test and benchmark, if missing.
# Root runs apt-get directly; a normal user is asked for sudo for this step only.
set -euo pipefail

packages=(
    build-essential cmake pkg-config
    qt6-base-dev qt6-base-dev-tools libqt6test6 libgl-dev   # Qt 6 Core, Widgets, Test
    lsof procps util-linux                                  # tests compare with lsof; setpriv
    pv                                                      # the meter's rate-limited and splice-blind stages
    xvfb xauth imagemagick                                  # screenshots of the GUI
    groff man-db zsh                                        # man page and completion tests
    desktop-file-utils appstream shared-mime-info           # desktop integration tests
    dpkg-dev file                                           # cpack -G DEB (dpkg-shlibdeps)
)
# --- reliability: libFuzzer harnesses (tests/fuzz/, run by test.sh after the suite) ---------
packages+=(clang-14 libclang-rt-14-dev llvm-14)             # llvm-14: llvm-symbolizer for traces
if [ "${PIPESCOPE_BENCH_DEPS:-0}" = 1 ]; then
    packages+=(libuv1-dev python3-uvloop nodejs time)       # the peers in ../shared/bench-peers
fi

missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "Installing: ${missing[*]}"
sudo=()
[ "$(id -u)" -eq 0 ] || sudo=(sudo)
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -q
"${sudo[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
