#!/usr/bin/env bash
# The whole test suite on a fresh machine: install, build everything, run every test through CTest.
# Extra arguments go to ctest (e.g. -L media, -R chunking).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/Scripts/build.sh"
exec ctest --test-dir "${CAPSTAN_BUILD_DIR:-$root/build}" --output-on-failure -j"$(nproc)" "$@"
