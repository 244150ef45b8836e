#!/usr/bin/env bash
# The main job on a fresh machine: install, build, and run `capstan demo DIR` (the tutorial's examples, checked).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if [[ $# -ne 1 ]]; then
    echo "usage: Scripts/demo.sh OUTPUT_DIR" >&2
    exit 2
fi
"$root/Scripts/build.sh" --target capstan
exec "${CAPSTAN_BUILD_DIR:-$root/build}/Source/cli/capstan" demo "$1"
