#!/usr/bin/env bash
# Records from a desktop sound server as a user's desktop has one: a private PulseAudio or PipeWire (with its pulse
# server and WirePlumber) in a scratch runtime folder, a null sink playing a 1 kHz tone, and `capstan record` taking
# the sink's monitor through ALSA's pulse plugin (MODE pulseaudio, pipewire-pulse) or PipeWire's JACK library
# (MODE pipewire-jack, run under pw-jack). Checks the take holds the tone (not silence) and `capstan devices`
# names the bridge. Other tests never see this server: it listens only in its own XDG_RUNTIME_DIR.
#   desktop_audio_test.sh MODE CAPSTAN   exit 0 pass, 1 fail, 77 skipped (server not installed)
set -uo pipefail
mode="$1"
capstan="$2"

need() { command -v "$1" >/dev/null || { echo "SKIP: $1 is not installed (Scripts/setup.sh installs it)"; exit 77; }; }
need ffmpeg
need pactl
need paplay
case "$mode" in
    pulseaudio) need pulseaudio ;;
    pipewire-pulse | pipewire-jack) need pipewire; need pipewire-pulse; need wireplumber; need dbus-run-session ;;
    *) echo "unknown mode '$mode'"; exit 1 ;;
esac
[[ "$mode" == pipewire-jack ]] && need pw-jack

scratch="$(mktemp -d /tmp/capstan-desktop-XXXXXX)"
export XDG_RUNTIME_DIR="$scratch/run" HOME="$scratch/home"
mkdir -p "$XDG_RUNTIME_DIR" "$HOME"
chmod 700 "$XDG_RUNTIME_DIR"
unset PULSE_SERVER JACK_DEFAULT_SERVER
# PipeWire's session manager needs a session bus: run the whole test inside one (as a desktop session has).
if [[ "$mode" == pipewire-* && -z "${CAPSTAN_IN_BUS:-}" ]]; then
    CAPSTAN_IN_BUS=1 exec dbus-run-session -- "$0" "$@"
fi

pids=()
cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
    wait 2>/dev/null
    rm -rf "$scratch"
}
trap cleanup EXIT
fail() { echo "FAIL: $*"; for f in "$scratch"/*.log; do [[ -f $f ]] && { echo "--- $f"; tail -5 "$f"; }; done; exit 1; }

if [[ "$mode" == pulseaudio ]]; then
    pulseaudio -n --daemonize=no --exit-idle-time=-1 --use-pid-file=no --disable-shm=yes \
        -L module-native-protocol-unix -L "module-null-sink sink_name=capstan_null" >"$scratch/server.log" 2>&1 &
    pids+=($!)
else
    pipewire >"$scratch/server.log" 2>&1 &
    pids+=($!)
    sleep 1
    wireplumber >"$scratch/session.log" 2>&1 &
    pids+=($!)
    pipewire-pulse >"$scratch/pulse.log" 2>&1 &
    pids+=($!)
fi
for _ in $(seq 50); do pactl info >/dev/null 2>&1 && break; sleep 0.2; done
pactl info >/dev/null 2>&1 || fail "the $mode server did not start"
[[ "$mode" != pulseaudio ]] && pactl load-module module-null-sink sink_name=capstan_null >/dev/null
pactl set-default-source capstan_null.monitor || fail "no null sink monitor"
sleep 1

devices="$("$capstan" devices 2>&1)"
echo "$devices"
if [[ "$mode" == pipewire-jack ]]; then
    # The sink's ports reach JACK clients a moment after the sink exists: wait for both channels.
    for _ in $(seq 40); do
        devices="$(pw-jack "$capstan" devices 2>&1)"
        grep -q "2 ch .*'capstan_null Audio/Sink sink'" <<<"$devices" && break
        sleep 0.25
    done
    echo "$devices"
    grep -q "JACK inputs:" <<<"$devices" && ! grep -q "JACK inputs: none" <<<"$devices" ||
        fail "capstan devices under pw-jack lists no JACK input"
else
    grep -q "ALSA 'pulse'" <<<"$devices" || fail "capstan devices does not list ALSA's pulse bridge"
fi

ffmpeg -v error -f lavfi -i "sine=f=1000:r=48000:d=30" -ac 2 "$scratch/tone.wav" || fail "cannot make the tone"
paplay -d capstan_null "$scratch/tone.wav" &
pids+=($!)
sleep 0.5

take="$scratch/take.wav"
if [[ "$mode" == pipewire-jack ]]; then
    # PipeWire shows its nodes as JACK clients: the null sink (its monitor ports) is recorded by name.
    timeout 60 pw-jack "$capstan" record "$take" --source "device:capstan_null Audio/Sink sink" --duration 3 \
        >"$scratch/record.log" 2>&1
else
    timeout 60 "$capstan" record "$take" --source device:pulse --duration 3 >"$scratch/record.log" 2>&1
fi
status=$?
cat "$scratch/record.log"
[[ $status == 0 ]] || fail "capstan record exited $status"
# Both of the node's channels: PipeWire connects JACK ports a moment after jack_connect returns.
[[ "$mode" != pipewire-jack ]] || grep -q "recording from JACK .* 2 channel(s)" "$scratch/record.log" ||
    fail "pw-jack: not recorded through JACK from both channels"
grep -q "no signal\|silence" "$scratch/record.log" && fail "the take was reported silent"
max="$(ffmpeg -i "$take" -af volumedetect -f null - 2>&1 | sed -n 's/.*max_volume: \(-*[0-9.]*\) dB.*/\1/p')"
echo "take: max_volume $max dB"
[[ -n "$max" ]] || fail "could not read the take's level"
awk -v m="$max" 'BEGIN { exit !(m > -40) }' || fail "the take is (nearly) silent: max $max dB"
duration="$(ffprobe -v error -show_entries format=duration -of csv=p=0 "$take")"
awk -v d="$duration" 'BEGIN { exit !(d > 2.9 && d < 3.1) }' || fail "the take lasts $duration s, not 3"
echo "PASS: $mode: 3 s recorded at max $max dB"
