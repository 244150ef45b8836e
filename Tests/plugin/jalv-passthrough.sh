#!/usr/bin/env bash
# The LV2 build outside JUCE: jalv (the LV2 reference host) runs Capstan Capture as a JACK client on a private dummy
# JACK server; jack_metro's clicks go through it and jack_rec records its output. Passes when jalv loads the plugin
# from the build tree, the plugin's ports appear, and the recorded output carries the clicks at their amplitude.
#
#   Tests/plugin/jalv-passthrough.sh LV2_BUNDLE URI OUTDIR
set -euo pipefail

bundle=${1:?usage: jalv-passthrough.sh LV2_BUNDLE URI OUTDIR}
uri=${2:?usage: jalv-passthrough.sh LV2_BUNDLE URI OUTDIR}
outdir=${3:?usage: jalv-passthrough.sh LV2_BUNDLE URI OUTDIR}
[[ -d "$bundle" ]] || { echo "jalv-passthrough: no LV2 bundle at '$bundle'" >&2; exit 2; }
rm -rf "$outdir"
mkdir -p "$outdir"

# A server of our own: other tests (and a user's session) keep theirs. The name is fixed, not per process: jackd keeps
# each name in a system-wide table of 8 slots, and a server killed without cleaning up holds its slot until a server
# of the same name starts again.
export JACK_DEFAULT_SERVER="capstan-jalv"
export JACK_NO_START_SERVER=1
export LV2_PATH
LV2_PATH=$(cd "$(dirname "$bundle")" && pwd)
export CAPSTAN_RECORD_DIR="$outdir/takes"

pids=()
cleanup() { # clients first, the server last
    for ((i = ${#pids[@]} - 1; i >= 0; i--)); do
        kill "${pids[i]}" 2>/dev/null || true
        wait "${pids[i]}" 2>/dev/null || true
    done
}
trap cleanup EXIT

jackd --no-realtime -n "$JACK_DEFAULT_SERVER" -d dummy -r 48000 -p 512 >"$outdir/jackd.log" 2>&1 &
pids+=($!)
jack_wait -w -t 10 >/dev/null 2>&1 || { echo "jalv-passthrough: the dummy JACK server did not start" >&2; exit 1; }

# jalv exits when its standard input ends: it reads a FIFO whose write end this script holds open (fd 3).
mkfifo "$outdir/jalv.stdin"
exec 3<>"$outdir/jalv.stdin"
jalv "$uri" <"$outdir/jalv.stdin" >"$outdir/jalv.log" 2>&1 &
pids+=($!)
client="Capstan Capture"
for _ in $(seq 100); do
    jack_lsp 2>/dev/null | grep -q "^$client:audio_out_2$" && break
    sleep 0.1
done
jack_lsp 2>/dev/null | grep -q "^$client:audio_in_1$" ||
    { echo "jalv-passthrough: jalv did not load $uri from $LV2_PATH:" >&2; cat "$outdir/jalv.log" >&2; exit 1; }

jack_metro -n metro -b 240 -A 0.5 -f 1000 -D 50 >"$outdir/metro.log" 2>&1 &
pids+=($!)
for _ in $(seq 50); do jack_lsp 2>/dev/null | grep -q "^metro:" && break; sleep 0.1; done
jack_connect metro:120_bpm "$client:audio_in_1" 2>/dev/null || jack_connect "$(jack_lsp | grep '^metro:' | head -1)" "$client:audio_in_1"

# Record the plugin's output for 3 s (jack_rec connects its own inputs to the ports named).
jack_rec -f "$outdir/out.wav" -d 3 -b 32 "$client:audio_out_1" "$client:audio_out_2" >"$outdir/rec.log" 2>&1

# The clicks came through channel 1 at the metronome's amplitude (0.5 = -6 dBFS); channel 2 stayed silent.
levels=$(ffmpeg -nostdin -hide_banner -i "$outdir/out.wav" -af "astats=measure_perchannel=Peak_level:measure_overall=none" \
    -f null - 2>&1 | grep -o 'Peak level dB: [-a-z0-9.]*' | awk '{print $4}')
echo "jalv-passthrough: peak levels per channel (dBFS): $(echo $levels)"
peak1=$(echo "$levels" | sed -n 1p)
peak2=$(echo "$levels" | sed -n 2p)
awk -v p="$peak1" 'BEGIN { exit !(p > -6.5 && p < -5.5) }' ||
    { echo "jalv-passthrough: channel 1 peak $peak1 dBFS, expected the clicks at -6 dBFS" >&2; exit 1; }
[[ "$peak2" == "-inf" ]] || { echo "jalv-passthrough: channel 2 peak $peak2 dBFS, expected silence" >&2; exit 1; }
echo "jalv-passthrough: ok"
