#!/usr/bin/env bash
# The packaging checks: builds everything and runs the `install` tests (install tree, consumers, .deb packages
# unpacked into a scratch root, pip install into venvs, offline). With --system (root, on a machine you may change)
# it also installs the .deb packages for real with dpkg -i, checks what a user gets (the tool's demo, `import capstan`
# in /usr/bin/python3 with no PYTHONPATH, the plugins where hosts scan, the menu entry, the C++ library through
# find_package) and removes them again.
#   Scripts/package-check.sh [--system]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${CAPSTAN_BUILD_DIR:-$root/build}"
system=0
[[ ${1:-} == --system ]] && system=1

"$root/Scripts/build.sh"
ctest --test-dir "$build" --output-on-failure -L install

version=$(sed -n 's/^project(Capstan VERSION \([0-9.]*\).*/\1/p' "$root/CMakeLists.txt")
out=$build/test-output/install

if ((!system)); then
    echo "package-check: OK (run with --system to dpkg -i the packages and check them in /usr)"
    exit 0
fi

[[ $(id -u) -eq 0 ]] || { echo "package-check: --system needs root" >&2; exit 1; }
packages=(capstan capstan-plugins "libcapstan${version%.*}" libcapstan-dev python3-capstan)
for p in "${packages[@]}"; do
    if dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
        echo "package-check: $p is already installed; not touching it" >&2
        exit 1
    fi
done
# Whatever happens below, the machine is left as it was.
trap 'dpkg --purge "${packages[@]}" >/dev/null 2>&1 || true' EXIT
dpkg -i "$out"/deb/packages/*.deb

scratch=$(mktemp -d)
trap 'dpkg --purge "${packages[@]}" >/dev/null 2>&1 || true; rm -rf "$scratch"' EXIT
cd "$scratch"
[[ $(command -v capstan) == /usr/bin/capstan ]]
capstan demo "$scratch/demo" >/dev/null
env -u PYTHONPATH /usr/bin/python3 -c "
import capstan
assert capstan.__file__.startswith('/usr/lib/python3/dist-packages/'), capstan.__file__
print('import capstan:', capstan.__file__)"
test -f /usr/lib/vst3/CapstanCapture.vst3/Contents/x86_64-linux/CapstanCapture.so
env -u LV2_PATH lv2info urn:capstan:capture | grep -q 'Capstan Capture' # lilv's default path: ~/.lv2, /usr/lib/lv2...
desktop-file-validate /usr/share/applications/capstan.desktop
man -w capstan >/dev/null
capstan-app --version
pkg-config --modversion capstan
cmake -S "$root/Tests/install/consumer" -B "$scratch/consumer" >/dev/null
cmake --build "$scratch/consumer" -j2 >/dev/null
"$scratch/consumer/recorder_example" "$scratch"
echo "package-check: dpkg -i: the tool, app, module, plugins and library work from /usr; removing them again"
