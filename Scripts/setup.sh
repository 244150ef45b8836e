#!/usr/bin/env bash
# Installs exactly the Debian 12 packages Capstan needs to build and test. Idempotent and non-interactive:
# packages already present are not touched, so a second run costs a dpkg query and nothing more.
#   Scripts/setup.sh [fuzz]   fuzz: also clang and its libFuzzer/sanitizer runtimes (Scripts/fuzz.sh)
set -euo pipefail

packages=(
    # build tools
    build-essential cmake pkg-config ccache git
    # libraries
    juce-modules-source catch2 libconcurrentqueue-dev libreaderwriterqueue-dev
    libavcodec-dev libavformat-dev libavutil-dev libswresample-dev libswscale-dev libavfilter-dev libavdevice-dev
    # JUCE's audio formats use the system FLAC/Vorbis libraries (Debian's JUCE does not link them for us)
    libflac-dev libvorbis-dev libogg-dev
    # the ffmpeg/ffprobe CLIs: references in tests and benchmarks
    ffmpeg
    # the Python module (Debian's own interpreter, numpy, pybind11)
    python3 python3-dev python3-numpy pybind11-dev
    # the `peer` tests: torchaudio's StreamWriter (0.13, on the same FFmpeg) as the reference capstan is compared
    # with; parameterized for torchaudio's own tests (Scripts/torchaudio-tests.sh)
    python3-torchaudio python3-parameterized
    # the slicing study's real recordings: speech (alsa-utils' Front_*.wav) and music (sonic-pi-samples' loop_tabla.flac)
    alsa-utils sonic-pi-samples
    # device capture in tests: a dummy JACK server, reached through ALSA's jack plugin (no sound card needed)
    jackd2 libasound2-plugins
    # desktop sound servers in tests (each started privately): PulseAudio, and PipeWire with its pulse server,
    # session manager (on a private session bus) and JACK library; pulseaudio-utils plays the test tone
    pulseaudio pulseaudio-utils pipewire pipewire-bin pipewire-pulse pipewire-jack wireplumber dbus
    # JUCE's JACK device type builds against libjack's headers
    libjack-jackd2-dev
    # the visualizer's label font (JUCE renders text through FreeType, no display needed)
    fonts-dejavu-core
    # network tests: a real RTMP server (nginx + rtmp module) and SRT tools on loopback
    nginx-light libnginx-mod-rtmp srt-tools
    # GUI tests: the standalone app and plugin under a virtual X server (screenshots via ffmpeg's x11grab);
    # jalv runs the LV2 plugin as a JACK client outside JUCE
    xvfb xauth x11-utils jalv lv2-dev
    # packaging (CPack .deb: dpkg-shlibdeps reads ELF files with `file`), pip install in a venv, and the install
    # checks: lv2info finds the installed LV2 by URI, desktop-file-validate checks the app's menu entry
    dpkg-dev file python3-venv python3-pip lilv-utils desktop-file-utils
)

if [[ "${1:-}" == fuzz ]]; then
    packages+=(clang libclang-rt-14-dev)
fi

missing=()
for p in "${packages[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
        missing+=("$p")
    fi
done

if ((${#missing[@]} == 0)); then
    exit 0
fi

echo "setup: installing ${missing[*]}"
sudo_cmd=()
if [[ $(id -u) -ne 0 ]]; then sudo_cmd=(sudo); fi
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
