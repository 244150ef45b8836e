#!/usr/bin/env bash
# Installs the dependencies (Scripts/setup.sh) and builds Capstan in Release into ./build (or $CAPSTAN_BUILD_DIR).
# Extra arguments are passed to `cmake --build` (e.g. --target capstan).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${CAPSTAN_BUILD_DIR:-$root/build}"

"$root/Scripts/setup.sh"
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE="${CAPSTAN_BUILD_TYPE:-Release}" >/dev/null
cmake --build "$build" -j"$(nproc)" "$@"
