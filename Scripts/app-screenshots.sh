#!/usr/bin/env bash
# Runs the Capstan app on a virtual X display (Xvfb) with its dummy audio backend (a paced test tone, no sound card):
#   1. idle: starts it and captures the main window;
#   2. recording: --record DIR --duration 3 --quit-when-done, captures the window mid-take, then checks that the app
#      exited 0 and that the file decodes to 3 s;
#   3. a hot chain: --add-plugin gain:+12 (and the capture plugin's VST3 when given), recording again with the
#      pre-chain file too, in 32-bit float; the meters' figures (peak, samples at full scale) printed by the app are
#      compared with both decoded files;
#   3b. a take in MP4 with the spectrum video;
#   3c. a take in MKV from the test pattern video source, previewed live (app-video-source.png);
#   3d. a take in MKV from the screen (x11grab of the Xvfb display);
#   4. a take into a folder that cannot exist: the app must exit 1 and say why;
#   5. no display: one line and exit 1 (not a crash); --version prints the version and creates no file;
#   6. a hot chain: the built-in gain at +24 dB, clipping on the meters and in the waveform, levels checked;
#   7. the silence warning: the dummy backend's "Silence" device for 8 s, the banner captured after 5 s;
#   8. the device list: the audio settings dialog (--show audio-settings);
#   9. the take list and the waveform: two short takes, then a third captured mid-take;
#  10. About (--show about) with an empty HOME and a settings folder made beforehand: nothing is created or changed.
# Screenshots are taken from the X server with ffmpeg's x11grab (app-*.png in OUTDIR); the app's own --screenshot
# (createComponentSnapshot) is saved beside some as *-snapshot.png. With DOCS_DIR, the x11grab pictures are copied
# there as well. Used as a CTest test (label app).
#
#   Scripts/app-screenshots.sh APP OUTDIR [DOCS_DIR] [PLUGIN.vst3]
set -euo pipefail

app=${1:?usage: app-screenshots.sh APP OUTDIR [DOCS_DIR] [PLUGIN.vst3]}
outdir=${2:?usage: app-screenshots.sh APP OUTDIR [DOCS_DIR] [PLUGIN.vst3]}
docs=${3:-}
vst3=${4:-}
[[ -x "$app" ]] || { echo "app-screenshots: no app binary at '$app'" >&2; exit 2; }
rm -rf "$outdir"
mkdir -p "$outdir"
outdir=$(cd "$outdir" && pwd)

display=""
for n in $(seq 141 220); do
    if [[ ! -e /tmp/.X$n-lock && ! -e /tmp/.X11-unix/X$n ]]; then display=":$n"; break; fi
done
[[ -n "$display" ]] || { echo "app-screenshots: no free X display" >&2; exit 2; }

pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
}
trap cleanup EXIT

Xvfb "$display" -screen 0 1280x1000x24 -nolisten tcp >"$outdir/xvfb.log" 2>&1 &
pids+=($!)
for _ in $(seq 50); do xdpyinfo -display "$display" >/dev/null 2>&1 && break; sleep 0.1; done
xdpyinfo -display "$display" >/dev/null 2>&1 || { echo "app-screenshots: Xvfb did not start" >&2; exit 1; }

# A private HOME: nothing of the user's settings or music folder is touched.
export HOME="$outdir/home" DISPLAY="$display"
mkdir -p "$HOME"

# Waits for the window titled TITLE (default: the main window, Capstan), then grabs exactly its rectangle.
grab() { # grab PID OUTPUT.png [TITLE]
    local pid=$1 shot=$2 title=${3:-Capstan} line="" geometry x y w h
    # JUCE names its window through _NET_WM_NAME, which `xwininfo -name` does not match: read the window tree.
    for _ in $(seq 100); do
        kill -0 "$pid" 2>/dev/null || { echo "app-screenshots: the app exited before $shot" >&2; return 1; }
        line=$(xwininfo -display "$display" -root -tree 2>/dev/null | grep -F "\"$title\": (\"Capstan\"" | head -1 || true)
        [[ -n "$line" ]] && break
        sleep 0.1
    done
    [[ -n "$line" ]] || { echo "app-screenshots: no '$title' window" >&2; return 1; }
    sleep 0.5 # let it paint
    # A blank picture means the window was not drawn yet (a loaded machine paints late), and a 1x1 one that it was
    # mapped before its size was set: read its geometry again, grab again, a few times, before calling it blank.
    local colours
    for _ in $(seq 10); do
        line=$(xwininfo -display "$display" -root -tree 2>/dev/null | grep -F "\"$title\": (\"Capstan\"" | head -1 || true)
        geometry=$(grep -oE '[0-9]+x[0-9]+\+[0-9]+\+[0-9]+' <<<"$line" | head -1)
        w=${geometry%%x*}; geometry=${geometry#*x}
        h=${geometry%%+*}; geometry=${geometry#*+}
        x=${geometry%%+*}; y=${geometry#*+}
        if [[ -z "$line" || "${w:-0}" -lt 16 || "${h:-0}" -lt 16 ]]; then
            colours=0
            sleep 0.3
            continue
        fi
        ffmpeg -v error -y -f x11grab -draw_mouse 0 -video_size "${w}x${h}" -i "$display+$x,$y" -frames:v 1 "$shot"
        colours=$(ffmpeg -v error -i "$shot" -vf "scale=64:64" -f rawvideo -pix_fmt rgb24 - | od -An -v -tx1 -w3 | sort -u | wc -l)
        [[ "$colours" -gt 8 ]] && break
        sleep 0.3
    done
    echo "$shot: ${w}x${h}, $colours colours (64x64 thumbnail)"
    [[ "$colours" -gt 8 ]] || { echo "app-screenshots: $shot looks blank" >&2; return 1; }
}

# Checks that a recorded file decodes and lasts `expected` seconds (+-0.05).
check_take() { # check_take FILE EXPECTED
    local file=$1 expected=$2 duration
    [[ -s "$file" ]] || { echo "app-screenshots: no take at '$file'" >&2; return 1; }
    ffmpeg -v error -i "$file" -f null - || { echo "app-screenshots: $file does not decode" >&2; return 1; }
    duration=$(ffprobe -v error -show_entries format=duration -of csv=p=0 "$file")
    echo "$file: $duration s"
    awk -v d="$duration" -v e="$expected" 'BEGIN { exit !(d > e - 0.05 && d < e + 0.05) }' ||
        { echo "app-screenshots: $file lasts $duration s, expected $expected s" >&2; return 1; }
}

settings="$outdir/settings"

# Runs the app with ARGS (a take with --quit-when-done), grabs its window after DELAY s as OUTDIR/app-NAME.png and
# fails unless the app then exits 0. Its output goes to OUTDIR/NAME.log.
run_and_grab() { # run_and_grab NAME DELAY ARGS...
    local name=$1 delay=$2 status=0
    shift 2
    "$app" "$@" >"$outdir/$name.log" 2>&1 &
    app_pid=$!
    pids=("$app_pid" "${pids[@]}")
    sleep "$delay"
    grab "$app_pid" "$outdir/app-$name.png"
    wait "$app_pid" || status=$?
    grep -E "^(recorded|screenshot|level|warning)" "$outdir/$name.log" || true
    [[ $status -eq 0 ]] || { echo "app-screenshots: the $name run exited with $status" >&2; cat "$outdir/$name.log" >&2; return 1; }
}

# 1. Idle.
"$app" --audio-backend dummy --settings-dir "$settings" --screenshot "$outdir/app-idle-snapshot.png" \
    --screenshot-delay 1.5 >"$outdir/idle.log" 2>&1 &
app_pid=$!
pids=("$app_pid" "${pids[@]}")
sleep 2
grab "$app_pid" "$outdir/app-idle.png"
kill "$app_pid"
wait "$app_pid" 2>/dev/null || true
[[ -s "$outdir/app-idle-snapshot.png" ]] || { echo "app-screenshots: --screenshot wrote nothing" >&2; cat "$outdir/idle.log" >&2; exit 1; }

# 2. Recording 3 s through the flags, FLAC + MP3 at once.
run_and_grab recording 1.5 --audio-backend dummy --settings-dir "$settings" --record "$outdir/takes" --format flac,mp3 \
    --duration 3 --quit-when-done --screenshot "$outdir/app-recording-snapshot.png"
flac=$(sed -n 's/^recorded: \(.*\.flac\)$/\1/p' "$outdir/recording.log")
mp3=$(sed -n 's/^recorded: \(.*\.mp3\)$/\1/p' "$outdir/recording.log")
check_take "$flac" 3
check_take "$mp3" 3

# Compares the app's "level:" lines (what its meters counted over the take) with the decoded file: the same peak, to
# the bit, and the same number of samples at or over full scale, per channel.
check_levels() { # check_levels LOG WHICH FILE
    ffmpeg -v error -i "$3" -f f32le - | python3 -c '
import re, struct, sys
log, which, name = sys.argv[1:4]
data = sys.stdin.buffer.read()
samples = struct.unpack("<%df" % (len(data) // 4), data)
lines = [l for l in open(log) if l.startswith("level: " + which + " ")]
if not lines:
    sys.exit("app-screenshots: no level lines for " + which)
channels = len(lines)
for line in lines:
    m = re.match(r"level: \S+ ch(\d+) peak (\S+) \(.*\), (\d+) samples at full scale", line)
    c = int(m.group(1)) - 1
    mine = samples[c::channels]
    peak = max(abs(x) for x in mine)
    over = sum(1 for x in mine if abs(x) >= 1.0)
    meter_peak = struct.unpack("<f", struct.pack("<f", float(m.group(2))))[0]
    print("%s ch%d: meter peak %.9g, %s at full scale; file peak %.9g, %d at full scale"
          % (name, c + 1, meter_peak, m.group(3), peak, over))
    if meter_peak != peak or int(m.group(3)) != over:
        sys.exit("app-screenshots: the meter and " + name + " disagree")
' "$1" "$2" "$(basename "$3")"
}

# 3. A hot chain: the built-in gain at +12 dB (a -6 dBFS tone comes out at +6 dBFS) and the capture plugin's VST3
# when given, recording 3 s in 32-bit float (which keeps what is over full scale) with the pre-chain file too.
plugins=(--add-plugin gain:+12)
[[ -n "$vst3" ]] && plugins+=(--add-plugin "$vst3")
run_and_grab plugin 1.5 --audio-backend dummy --settings-dir "$settings" "${plugins[@]}" --record "$outdir/takes/plugin.wav" \
    --format wav32f --duration 3 --quit-when-done --pre-chain --screenshot "$outdir/app-plugin-snapshot.png"
check_take "$outdir/takes/plugin.wav" 3
check_take "$outdir/takes/plugin_prechain.wav" 3
check_levels "$outdir/plugin.log" file "$outdir/takes/plugin.wav"
check_levels "$outdir/plugin.log" pre-chain "$outdir/takes/plugin_prechain.wav"
grep -q "level: file ch1 peak 1\.99" "$outdir/plugin.log" ||
    { echo "app-screenshots: +12 dB on a -6 dBFS tone should peak at 1.99 (+6 dB) in the file" >&2; exit 1; }

# 3b. The video format: the live spectrum visualizer as H.264 beside the audio, in MP4.
"$app" --audio-backend dummy --settings-dir "$outdir/settings-video" --record "$outdir/takes/video.mp4" --duration 2 \
    --quit-when-done >"$outdir/video.log" 2>&1 || { echo "app-screenshots: the video run failed" >&2; cat "$outdir/video.log" >&2; exit 1; }
check_take "$outdir/takes/video.mp4" 2.03 # the container's duration includes AAC's last frame padding
streams=$(ffprobe -v error -show_entries stream=codec_name -of csv=p=0 "$outdir/takes/video.mp4" | sort | tr '\n' ' ')
echo "video.mp4 streams: $streams"
[[ "$streams" == "aac h264 " ]] || { echo "app-screenshots: video.mp4 has streams '$streams', expected aac + h264" >&2; exit 1; }

# 3c. A real video source: the test pattern (lavfi testsrc2) recorded beside the audio in MKV, previewed live in the
# window (bottom left) with the health panel's video line. The preview is cut out of the app's own snapshot (the
# content component: the preview sits at 10,620 in a 980x780 window) and must not be blank.
run_and_grab video-source 2.5 --audio-backend dummy --settings-dir "$outdir/settings-video-source" \
    --record "$outdir/takes/pattern.mkv" --video-source "lavfi:testsrc2=size=640x360:rate=30" --duration 4 \
    --quit-when-done --screenshot "$outdir/app-video-source-snapshot.png" --screenshot-delay 2.5
check_take "$outdir/takes/pattern.mkv" 4
frames=$(ffprobe -v error -count_frames -select_streams v:0 -show_entries stream=codec_name,width,height,nb_read_frames \
    -of csv=p=0 "$outdir/takes/pattern.mkv")
echo "pattern.mkv video: $frames"
[[ "$frames" =~ ^h264,640,360,(119|120|121)$ ]] ||
    { echo "app-screenshots: pattern.mkv should hold 120 +-1 frames of 640x360 H.264, has '$frames'" >&2; exit 1; }
colours=$(ffmpeg -v error -i "$outdir/app-video-source-snapshot.png" -vf "crop=264:110:12:624,scale=64:32" \
    -f rawvideo -pix_fmt rgb24 - | od -An -v -tx1 -w3 | sort -u | wc -l)
echo "video preview: $colours colours (64x32 thumbnail)"
[[ "$colours" -gt 16 ]] || { echo "app-screenshots: the video preview looks blank" >&2; exit 1; }

# 3d. The screen as the video source: x11grab of this Xvfb display (the app's own window on it), 2 s at 30 fps.
"$app" --audio-backend dummy --settings-dir "$outdir/settings-screen" --record "$outdir/takes/screen.mkv" \
    --video-source "screen:$display" --duration 2 --quit-when-done >"$outdir/screen.log" 2>&1 ||
    { echo "app-screenshots: the screen source run failed" >&2; cat "$outdir/screen.log" >&2; exit 1; }
check_take "$outdir/takes/screen.mkv" 2
frames=$(ffprobe -v error -count_frames -select_streams v:0 -show_entries stream=codec_name,width,height,nb_read_frames \
    -of csv=p=0 "$outdir/takes/screen.mkv")
echo "screen.mkv video: $frames"
[[ "$frames" =~ ^h264,1280,1000,(59|60|61)$ ]] ||
    { echo "app-screenshots: screen.mkv should hold 60 +-1 frames of the 1280x1000 screen, has '$frames'" >&2; exit 1; }

# 4. A take that cannot be written: the app must say so (banner, stderr) and exit 1, never "succeed" silently.
status=0
"$app" --audio-backend dummy --settings-dir "$outdir/settings-failed" --record /proc/capstan-no-such-dir/take.wav \
    --duration 1 --quit-when-done --screenshot "$outdir/app-failed-snapshot.png" --screenshot-delay 1 \
    >"$outdir/failed.log" 2>&1 || status=$?
[[ $status -eq 1 ]] || { echo "app-screenshots: an unwritable take exited with $status, expected 1" >&2; cat "$outdir/failed.log" >&2; exit 1; }
grep -q "recording failed" "$outdir/failed.log" || { echo "app-screenshots: no failure message" >&2; cat "$outdir/failed.log" >&2; exit 1; }
grep "recording failed" "$outdir/failed.log"

# 5. No display: one clear line and exit 1, not a segfault. --version touches nothing (an empty HOME stays empty).
status=0
env -u DISPLAY "$app" --audio-backend dummy --settings-dir "$outdir/settings-nodisplay" >"$outdir/nodisplay.log" 2>&1 ||
    status=$?
cat "$outdir/nodisplay.log"
[[ $status -eq 1 && $(wc -l <"$outdir/nodisplay.log") -eq 1 ]] && grep -q "no display" "$outdir/nodisplay.log" ||
    { echo "app-screenshots: without a display the app exited with $status, expected 1 and one line" >&2; exit 1; }
[[ ! -e "$outdir/settings-nodisplay" ]] || { echo "app-screenshots: without a display the app created settings" >&2; exit 1; }
mkdir -p "$outdir/empty-home"
version=$(HOME="$outdir/empty-home" XDG_CONFIG_HOME= CAPSTAN_SETTINGS_DIR= "$app" --version)
echo "--version: $version"
[[ "$version" =~ ^Capstan\ [0-9]+\.[0-9]+ ]] || { echo "app-screenshots: --version printed '$version'" >&2; exit 1; }
[[ -z "$(ls -A "$outdir/empty-home")" ]] || { echo "app-screenshots: --version created files in HOME" >&2; exit 1; }

# 6. A hot chain: the built-in gain at +24 dB turns the -6 dBFS tone into +18 dBFS; the meters show the clip counts
# and the waveform is red where it reaches full scale. The file (32-bit float) must agree with the meters.
run_and_grab hot-chain 2.5 --audio-backend dummy --settings-dir "$outdir/settings-hot" --add-plugin gain:+24 \
    --record "$outdir/takes/hot.wav" --format wav32f --duration 4 --quit-when-done --pre-chain
check_levels "$outdir/hot-chain.log" file "$outdir/takes/hot.wav"
check_levels "$outdir/hot-chain.log" pre-chain "$outdir/takes/hot_prechain.wav"
grep -q "level: file ch1 peak 7\.9.* (+18\.0 dB)" "$outdir/hot-chain.log" ||
    { echo "app-screenshots: +24 dB on a -6 dBFS tone should peak at +18.0 dB in the file" >&2; exit 1; }

# 7. Digital silence (the dummy backend's "Silence" device, what an unconnected input gives): after 5 s the orange
# banner says NO SIGNAL?, the take goes on to its end, and the app reports the warning.
run_and_grab silence 6.3 --audio-backend dummy --device "Silence (digital zero)" --settings-dir "$outdir/settings-silence" \
    --record "$outdir/takes/silence.flac" --duration 8 --quit-when-done
check_take "$outdir/takes/silence.flac" 8
grep "^warning: " "$outdir/silence.log" | grep -qi "silence" ||
    { echo "app-screenshots: no silence warning after 8 s of digital silence" >&2; exit 1; }

# 8. The device list: JUCE's device selector (driver type, input and output device, rate, block size, channels).
"$app" --audio-backend dummy --settings-dir "$outdir/settings-devices" --show audio-settings >"$outdir/devices.log" 2>&1 &
app_pid=$!
pids=("$app_pid" "${pids[@]}")
grab "$app_pid" "$outdir/app-devices.png" "Audio input and output"
kill "$app_pid"
wait "$app_pid" 2>/dev/null || true

# 9. The take list (durations, Play / Show) and the waveform of the take in progress.
for n in 1 2; do
    "$app" --audio-backend dummy --settings-dir "$outdir/settings-takes" --record "$outdir/takes/list.flac" \
        --duration "$n.5" --quit-when-done >"$outdir/list$n.log" 2>&1 ||
        { echo "app-screenshots: take $n of the list failed" >&2; cat "$outdir/list$n.log" >&2; exit 1; }
done
run_and_grab takes 3.5 --audio-backend dummy --settings-dir "$outdir/settings-takes" --record "$outdir/takes/list.flac" \
    --format flac,mp3 --duration 5 --quit-when-done
check_take "$outdir/takes/list-2.flac" 2.5
check_take "$outdir/takes/list-3.flac" 5

# 10. About writes nothing: an empty HOME stays empty and the settings folder (made by a first run) is unchanged.
"$app" --audio-backend dummy --settings-dir "$outdir/settings-about" --screenshot-delay 0.5 \
    --screenshot "$outdir/about-first-run.png" >"$outdir/about-first.log" 2>&1 &
app_pid=$!
pids=("$app_pid" "${pids[@]}")
sleep 2
kill "$app_pid"
wait "$app_pid" 2>/dev/null || true
listing() { find "$1" -printf '%P %s %T@\n' | sort; }
before=$(listing "$outdir/settings-about")
mkdir -p "$outdir/about-home" "$outdir/about-run"
chmod 700 "$outdir/about-run"
# A desktop session has XDG_RUNTIME_DIR; without one, libpulse (reached through ALSA's pulse PCM when JUCE lists
# devices) keeps its runtime link in ~/.config/pulse: that file would be libpulse's, not Capstan's.
HOME="$outdir/about-home" XDG_CONFIG_HOME= XDG_RUNTIME_DIR="$outdir/about-run" "$app" --audio-backend dummy --settings-dir "$outdir/settings-about" \
    --show about >"$outdir/about.log" 2>&1 &
app_pid=$!
pids=("$app_pid" "${pids[@]}")
grab "$app_pid" "$outdir/app-about.png" "About Capstan"
kill "$app_pid"
wait "$app_pid" 2>/dev/null || true
[[ -z "$(ls -A "$outdir/about-home")" ]] ||
    { echo "app-screenshots: About created files in HOME:" >&2; find "$outdir/about-home" >&2; exit 1; }
[[ "$before" == "$(listing "$outdir/settings-about")" ]] ||
    { echo "app-screenshots: About changed the settings folder" >&2; diff <(echo "$before") <(listing "$outdir/settings-about") >&2; exit 1; }
echo "About: HOME still empty, settings folder unchanged"

if [[ -n "$docs" ]]; then
    names="idle recording plugin hot-chain silence devices takes about video-source"
    for name in $names; do cp "$outdir/app-$name.png" "$docs/app-$name.png"; done
    echo "copied to $docs: $names"
fi
echo "app-screenshots: OK"
