#!/usr/bin/env bash
# Proves that a WAV take over 4 GiB reads whole in a second reader (sox, on libsndfile's and its own WAV code):
# records 64 channels of 96 kHz float noise for 180 s (4.4 GB) with `capstan record --pace fast`, then compares
# the duration sox reads with the one recorded. Needs about 4.5 GB free in the folder given (default: /tmp).
#   Scripts/rf64-check.sh [FOLDER]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
folder="${1:-/tmp}"
capstan="${CAPSTAN_BUILD_DIR:-$root/build}/Source/cli/capstan"
command -v sox >/dev/null || { echo "rf64-check: installing sox"; DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends sox >/dev/null; }

take="$folder/capstan-rf64-check.wav"
rm -f "$take" "$take.drops.json"
trap 'rm -f "$take" "$take.drops.json"' EXIT
"$capstan" record "$take" --source noise --channels 64 --sample-rate 96000 --duration 180 --pace fast >/dev/null
size=$(stat -c %s "$take")
header=$(head -c 4 "$take")
samples=$(sox --i -s "$take")
echo "rf64-check: $(numfmt --to=iec "$size") written, header '$header', sox reads $samples samples per channel of 17280000"
[[ "$header" == "RF64" && "$samples" == 17280000 ]]
echo "rf64-check: OK"
