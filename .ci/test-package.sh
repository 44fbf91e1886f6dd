#!/usr/bin/env bash
# The Debian package, end to end (test.sh runs this after the suite; CI is root on Debian 12):
# a Release build into build-package/, `cpack -G DEB`, `apt-get install ./pipescope_*.deb`,
# the installed program run (--version, a lesson, the no-display message, the GUI under
# xvfb-run), then `apt-get purge` and a check that nothing of the package is left in /usr.
# Skip it with PIPESCOPE_PACKAGE_TEST=0 (it installs into /usr and needs dpkg's lock).
set -euo pipefail
cd "$(dirname "$0")/.."
unset QT_QPA_PLATFORM # test.sh sets offscreen for the suite; the GUI here goes to Xvfb (xcb)
sudo=()
[ "$(id -u)" -eq 0 ] || sudo=(sudo)
fail() { echo "test-package: FAIL: $*" >&2; exit 1; }
step() { echo "test-package: $*"; }

if dpkg-query -W -f='${Status}' pipescope 2>/dev/null | grep -q 'install ok installed'; then
    fail "a pipescope package is installed already; this test would remove it (apt-get purge pipescope first)"
fi

step "Release build into build-package/"
cmake -S . -B build-package -DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX=/usr \
      -DPIPESCOPE_BUILD_TESTS=OFF -DPIPESCOPE_BUILD_BENCH=OFF >/dev/null
cmake --build build-package --parallel "$(nproc)"
version=$(sed -n 's/^CMAKE_PROJECT_VERSION:STATIC=//p' build-package/CMakeCache.txt)
deb="$PWD/build-package/pipescope_${version}_amd64.deb"
rm -f "$deb"
(cd build-package && cpack -G DEB >/dev/null)
[ -f "$deb" ] || fail "cpack did not write $deb"

step "control fields of $(basename "$deb")"
depends=$(dpkg-deb -f "$deb" Depends)
for needed in libc6 libqt6core6 libqt6widgets6 qt6-qpa-plugins qt6-wayland; do
    [[ ", $depends," == *", $needed"[\ ,]* ]] || fail "Depends lacks $needed: $depends"
done
[ "$(dpkg-deb -f "$deb" Section)" = devel ] || fail "Section is not devel"
[ -n "$(dpkg-deb -f "$deb" Homepage)" ] || fail "no Homepage"
contents=$(dpkg-deb -c "$deb")
for path in ./usr/bin/pipescope ./usr/share/man/man1/pipescope.1.gz \
            ./usr/share/bash-completion/completions/pipescope ./usr/share/zsh/vendor-completions/_pipescope \
            ./usr/share/mime/packages/io.github.pipescope.xml ./usr/share/applications/io.github.pipescope.desktop \
            ./usr/share/metainfo/io.github.pipescope.metainfo.xml ./usr/lib/x86_64-linux-gnu/libpipescope_core.so.0; do
    grep -q " $path\( \|$\)" <<<"$contents" || fail "$path is not in the package"
done

step "apt-get install $deb"
export DEBIAN_FRONTEND=noninteractive
if ! "${sudo[@]}" apt-get install -y -q --no-install-recommends "$deb" >/tmp/pipescope-apt.log 2>&1; then
    "${sudo[@]}" apt-get update -q >/dev/null # stale lists: the dependencies were not found
    "${sudo[@]}" apt-get install -y -q --no-install-recommends "$deb" >/tmp/pipescope-apt.log 2>&1 \
        || { cat /tmp/pipescope-apt.log; fail "apt-get install"; }
fi
installed=$(dpkg -L pipescope)

check_installed() {
    [ "$(command -v pipescope)" = /usr/bin/pipescope ] || fail "pipescope is not /usr/bin/pipescope"
    local out
    out=$(pipescope --version)
    [[ $out == "pipescope $version ("* ]] || fail "--version printed: $out"
    step "  $out"
    out=$(pipescope lesson run capacity --json) || fail "lesson run capacity --json exited $?"
    grep -q '"steps"' <<<"$out" || fail "lesson run capacity --json printed no steps: $out"
    local status=0
    out=$(env -u DISPLAY -u WAYLAND_DISPLAY -u QT_QPA_PLATFORM pipescope 2>&1) || status=$?
    [ "$status" = 2 ] && grep -q 'xvfb-run' <<<"$out" || fail "without a display: exit $status, $out"
    # The window under a virtual X server: still up after 5 s, then a clean exit on SIGTERM.
    local config
    config=$(mktemp -d)
    out=$(XDG_CONFIG_HOME="$config" xvfb-run -a sh -c \
        'pipescope --no-demo & p=$!; sleep 5; kill -0 $p || { wait $p; echo "died: $?"; exit 1; };
         kill -TERM $p; wait $p; echo "exit $?"' 2>&1) || fail "GUI under xvfb-run: $out"
    rm -rf "$config"
    grep -q '^exit 143$' <<<"$out" || fail "GUI under xvfb-run: $out"
    man -w pipescope | grep -q '^/usr/share/man/man1/pipescope.1.gz$' || fail "man -w pipescope"
    out=$(bash -c 'source /usr/share/bash-completion/completions/pipescope
                   COMP_LINE="pipescope lesson run capa"; COMP_POINT=${#COMP_LINE}; _pipescope
                   echo "${COMPREPLY[*]}"')
    [ "$out" = capacity ] || fail "bash completion from the package: '$out'"
    grep -rqs 'x-pipescope-lab+json' /usr/share/mime/application/ || fail "update-mime-database did not run"
}
status=0
( check_installed ) || status=$?

step "apt-get purge pipescope"
"${sudo[@]}" apt-get purge -y -q pipescope >/tmp/pipescope-apt.log 2>&1 || { cat /tmp/pipescope-apt.log; fail "apt-get purge"; }
[ "$status" = 0 ] || fail "the installed package did not work (above)"
left=()
while IFS= read -r path; do
    [ -d "$path" ] && continue # directories other packages share (/usr/share/man/man1...)
    [ -e "$path" ] || [ -L "$path" ] && left+=("$path")
done <<<"$installed"
leftover=$(find /usr -xdev -iname '*pipescope*' 2>/dev/null)
[ ${#left[@]} -eq 0 ] && [ -z "$leftover" ] || fail "left in /usr: ${left[*]} $leftover"
grep -rqs 'pipescope' /usr/share/mime/ && fail "the MIME database still knows pipescope"
step "ok: built, installed, ran and removed $(basename "$deb") without a trace in /usr"
