#!/usr/bin/env bash
# Starts the capture plugin's Standalone build on a virtual X display (Xvfb), waits for its window, saves a
# screenshot of it as OUTDIR/plugin-standalone.png and checks that the picture is not blank. Used as a CTest test
# (label plugin) and to refresh Docs/plugin.png.
#
#   Scripts/plugin-screenshot.sh OUTDIR [STANDALONE]
#
# STANDALONE defaults to the Debug/Release build in build/. No sound card is needed: the Standalone runs with no
# audio device open (or on a dummy JACK server when one is running). Needs Xvfb, xwininfo (x11-utils) and ffmpeg.
set -euo pipefail

outdir=${1:?usage: plugin-screenshot.sh OUTDIR [STANDALONE]}
app=${2:-}
if [[ -z "$app" ]]; then
    app=$(ls -1 "$(dirname "$0")"/../build/Plugins/CapstanCapture/CapstanCapture_artefacts/*/Standalone/CapstanCapture 2>/dev/null | head -1 || true)
fi
[[ -x "$app" ]] || { echo "plugin-screenshot: no Standalone binary at '${app}'" >&2; exit 2; }
mkdir -p "$outdir"
outdir=$(cd "$outdir" && pwd)
shot="$outdir/plugin-standalone.png"
rm -f "$shot"

# A free display number: no lock file and no socket.
display=""
for n in $(seq 71 140); do
    if [[ ! -e /tmp/.X$n-lock && ! -e /tmp/.X11-unix/X$n ]]; then display=":$n"; break; fi
done
[[ -n "$display" ]] || { echo "plugin-screenshot: no free X display" >&2; exit 2; }

pids=()
cleanup() { # one at a time, in list order (the Standalone, then jackd): a server outliving its clients exits cleanly
    for pid in "${pids[@]}"; do
        kill "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
}
trap cleanup EXIT

Xvfb "$display" -screen 0 1024x768x24 -nolisten tcp >"$outdir/xvfb.log" 2>&1 &
pids+=($!)
for _ in $(seq 50); do xdpyinfo -display "$display" >/dev/null 2>&1 && break; sleep 0.1; done
xdpyinfo -display "$display" >/dev/null 2>&1 || { echo "plugin-screenshot: Xvfb did not start" >&2; exit 1; }

# A dummy JACK server (private name, so it never meets another test's server) gives the Standalone a paced audio
# device through ALSA's jack plugin; without jackd the Standalone simply runs with no device open. The name is fixed,
# not per process: jackd keeps each name in a system-wide table of 8 slots, and a server killed without cleaning up
# holds its slot until a server of the same name starts again.
export JACK_DEFAULT_SERVER="capstan-shot"
if command -v jackd >/dev/null 2>&1; then
    jackd --no-realtime -d dummy -r 48000 -p 512 >"$outdir/jackd.log" 2>&1 &
    pids+=($!)
    sleep 1
fi

# A private HOME keeps the Standalone's settings file (and any take) out of the user's; takes go to OUTDIR/takes.
home="$outdir/home"
rm -rf "$home"
mkdir -p "$home"
DISPLAY="$display" HOME="$home" CAPSTAN_RECORD_DIR="$outdir/takes" "$app" >"$outdir/standalone.log" 2>&1 &
app_pid=$!
pids=("$app_pid" "${pids[@]}")

# Finds the plugin's top-level window (titled with the plugin's name) once it is mapped: sets x y w h.
find_window() {
    local line id size position
    for _ in $(seq 100); do
        kill -0 "$app_pid" 2>/dev/null || { echo "plugin-screenshot: the Standalone exited early:" >&2; cat "$outdir/standalone.log" >&2; exit 1; }
        # A line like: 0x200006 "Capstan Capture": ("Capstan Capture" "Capstan Capture")  648x484+191+145  +191+145
        line=$(xwininfo -display "$display" -root -tree 2>/dev/null | grep -m1 '"Capstan Capture":' || true)
        if [[ -n "$line" ]]; then
            id=$(awk '{print $1}' <<<"$line")
            if xwininfo -display "$display" -id "$id" 2>/dev/null | grep -q "Map State: IsViewable"; then
                size=$(grep -oE '[0-9]+x[0-9]+\+-?[0-9]+\+-?[0-9]+' <<<"$line" | head -1)
                position=$(awk '{print $NF}' <<<"$line")
                w=${size%%x*}; rest=${size#*x}; h=${rest%%+*}
                x=$(cut -d+ -f2 <<<"$position"); y=$(cut -d+ -f3 <<<"$position")
                # x11grab needs the area inside the screen.
                (( x < 0 )) && x=0; (( y < 0 )) && y=0
                (( x + w > 1024 )) && w=$((1024 - x)); (( y + h > 768 )) && h=$((768 - y))
                return 0
            fi
        fi
        sleep 0.1
    done
    echo "plugin-screenshot: no 'Capstan Capture' window appeared" >&2
    exit 1
}

# Let the editor's first timer ticks paint the meters and the status line. On a loaded machine the window may
# still be JUCE's first 128x128 placeholder or unpainted: find it and grab again (up to 10 times) until the
# picture has more than one brightness.
sleep 1.5
for attempt in $(seq 10); do
    find_window
    ffmpeg -hide_banner -loglevel error -y -f x11grab -draw_mouse 0 -video_size "${w}x${h}" -i "${display}+${x},${y}" -frames:v 1 "$shot"
    stats=$(ffprobe -v error -f lavfi "movie=$shot,signalstats" -show_entries frame_tags=lavfi.signalstats.YMIN,lavfi.signalstats.YMAX -of default=nw=1:nk=1 | tr '\n' ' ')
    read -r ymin ymax <<<"$stats"
    (( ymax - ymin > 40 )) && break
    sleep 0.5
done
echo "plugin-screenshot: ${w}x${h} window at ${x},${y}; luma ${ymin}..${ymax}; saved $shot (attempt $attempt)"
[[ -s "$shot" ]] || { echo "plugin-screenshot: empty file" >&2; exit 1; }
(( ymax - ymin > 40 )) || { echo "plugin-screenshot: the screenshot is blank" >&2; exit 1; }

# JUCE's Standalone mutes its input by default ("Mute audio input"), which would make every take silent: the plugin
# unmutes it when its window appears (and mutes its own output instead). JUCE saves the switch in its settings file.
settings_file="$home/.config/Capstan Capture.settings"
grep -q 'name="shouldMuteInput" val="0"' "$settings_file" 2>/dev/null ||
    { echo "plugin-screenshot: the Standalone's input is still muted (no shouldMuteInput=0 in '$settings_file')" >&2; exit 1; }
echo "plugin-screenshot: the Standalone's input is not muted (shouldMuteInput=0 in its settings)"
