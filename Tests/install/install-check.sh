#!/usr/bin/env bash
# Checks of the installed Capstan, one per CTest test (label `install`; see CMakeLists.txt here).
#   install-check.sh CHECK BUILD_DIR SOURCE_DIR OUT_DIR [VERSION]
# tree:       cmake --install into a DESTDIR root (prefix /usr): every component where it belongs, the SONAMEs,
#             the installed tool/module/man page, public headers self-contained and free of FFmpeg and JUCE, and a
#             prefix inside $HOME putting the plugins into ~/.vst3 and ~/.lv2.
# package:    the consumer project with find_package(Capstan) against that root (needs `tree` first).
# pkgconfig:  the consumer's sources built with g++ and `pkg-config capstan` against that root.
# subdirectory: the consumer project with add_subdirectory(<source tree>).
# completion: bash completion of commands and options from the installed tool.
# identity:   the plugin's LV2 URI and version, and the VST3 class ID hosts saved.
# deb:        CPack's .deb packages: names, Depends, contents; unpacked (dpkg -x) into a scratch root and run.
# pip:        pip install into a `python3 -m venv --system-site-packages` venv, offline, then used from elsewhere.
set -euo pipefail
check=$1 build=$(realpath "$2") src=$(realpath "$3") out=$(realpath -m "$4") version=${5:-}
root=$(dirname "$out")/tree/root # what `tree` installs; the consumers use it
fail() {
    echo "FAIL: $*" >&2
    exit 1
}
need_file() { for f; do [[ -e $f ]] || fail "missing: $f"; done; }

case $check in
tree)
    rm -rf "$out" && mkdir -p "$out"
    DESTDIR=$out/root cmake --install "$build" --prefix /usr >"$out/install.log"
    usr=$out/root/usr
    libdir=$(dirname "$(find "$usr" -name 'libcapstan_media.so' | head -1)")
    [[ -n $libdir ]] || fail "no libcapstan_media.so installed"
    need_file "$usr/bin/capstan" "$usr/bin/capstan-app" \
        "$usr/include/capstan/media/StreamWriter.h" "$usr/include/capstan/media/MediaReader.h" \
        "$usr/include/capstan/realtime/Recorder.h" "$libdir/cmake/Capstan/CapstanConfig.cmake" \
        "$libdir/cmake/Capstan/CapstanConfigVersion.cmake" "$libdir/pkgconfig/capstan.pc" \
        "$usr/lib/vst3/CapstanCapture.vst3/Contents/x86_64-linux/CapstanCapture.so" \
        "$usr/lib/lv2/CapstanCapture.lv2/manifest.ttl" "$usr/share/applications/capstan.desktop" \
        "$usr/share/icons/hicolor/scalable/apps/capstan.svg" "$usr/share/man/man1/capstan.1" \
        "$usr/share/man/man1/capstan-app.1" "$usr/share/bash-completion/completions/capstan"
    for lib in media realtime; do
        need_file "$libdir/libcapstan_$lib.a" "$libdir/libcapstan_$lib.so.$version"
        soname=$(objdump -p "$libdir/libcapstan_$lib.so" | awk '/SONAME/ { print $2 }')
        [[ $soname == "libcapstan_$lib.so.${version%.*}" ]] || fail "libcapstan_$lib SONAME is '$soname'"
        [[ -e $libdir/$soname ]] || fail "no $soname link"
    done
    # Private headers stay private (they include FFmpeg).
    [[ ! -e $usr/include/capstan/media/FfmpegHandles.h ]] || fail "FfmpegHandles.h was installed"

    [[ $("$usr/bin/capstan" --version) == "capstan $version" ]] || fail "installed capstan --version"
    [[ $("$usr/bin/capstan-app" --version) == "Capstan $version" ]] || fail "installed capstan-app --version"
    package=$usr/lib/python3/dist-packages/capstan
    need_file "$package/__init__.py" "$package/py.typed" "$package/_capstan.pyi" "$package"/_capstan*.so
    [[ ! -e $package/__pycache__ ]] || fail "the build's __pycache__ was installed"
    PYTHONPATH=$usr/lib/python3/dist-packages /usr/bin/python3 -c "
import capstan, sys
assert capstan.__file__ == '$package/__init__.py', capstan.__file__
assert capstan.__version__ == '$version', capstan.__version__
print('python: capstan', capstan.__version__, 'from', capstan.__file__)"
    grep -q '^\.SS capstan encode$' "$usr/share/man/man1/capstan.1" || fail "capstan.1 has no encode section"
    grep -q -- '--bit-rate' "$usr/share/man/man1/capstan.1" || fail "capstan.1 lacks encode's options"
    if command -v groff >/dev/null; then
        groff -man -Tutf8 -ww -z "$usr/share/man/man1/capstan.1" 2>"$out/groff.log"
        [[ ! -s $out/groff.log ]] || fail "groff warns: $(head -3 "$out/groff.log")"
    fi
    if command -v desktop-file-validate >/dev/null; then
        desktop-file-validate "$usr/share/applications/capstan.desktop"
    fi

    # Every public header compiles on its own, with C++20 and the include folder only, and reaches neither FFmpeg
    # nor JUCE (-H lists every header a file includes).
    for header in $(cd "$usr/include" && find capstan -name '*.h' | sort); do
        echo "#include <$header>" >"$out/header.cpp"
        g++ -std=c++20 -fsyntax-only -H -I"$usr/include" "$out/header.cpp" 2>"$out/header.log" ||
            fail "$header does not compile alone: $(grep -m3 error "$out/header.log")"
        if grep -E '/(libav[a-z]*|libsw[a-z]*|juce_[a-z_]*)/' "$out/header.log"; then
            fail "$header includes FFmpeg or JUCE headers"
        fi
    done
    echo "headers: $(cd "$usr/include" && find capstan -name '*.h' | wc -l) public headers, self-contained," \
        "no FFmpeg or JUCE"

    # A prefix in the user's home puts the plugins where hosts look for a user's plugins.
    HOME=$out/home cmake --install "$build" --component plugins --prefix "$out/home/.local" >/dev/null
    need_file "$out/home/.vst3/CapstanCapture.vst3" "$out/home/.lv2/CapstanCapture.lv2/manifest.ttl"
    [[ ! -e $out/home/.local/lib/vst3 ]] || fail "plugins went to the prefix, not ~/.vst3"
    echo "tree: OK ($(find "$out/root" -type f | wc -l) files)"
    ;;

package)
    rm -rf "$out" # a fresh consumer: nothing left from a previous install tree
    cmake -S "$src/Tests/install/consumer" -B "$out" -DCMAKE_PREFIX_PATH="$root/usr" -DCMAKE_BUILD_TYPE=Release \
        >"$out.configure.log" 2>&1 || { cat "$out.configure.log"; fail "configure"; }
    cmake --build "$out" -j2
    rm -rf "$out/run" && mkdir -p "$out/run/shared" "$out/run/static"
    "$out/library_example" "$out/run/take.mp3"
    "$out/recorder_example" "$out/run/shared"
    "$out/recorder_example_static" "$out/run/static"
    # The shared consumer needs Capstan's libraries only (they bring FFmpeg); the static one none of them.
    needed() { objdump -p "$1" | awk '/NEEDED/ { print $2 }'; }
    needed "$out/library_example" | grep -q '^libcapstan_media\.so\.' || fail "library_example does not use the .so"
    if needed "$out/library_example" | grep -q '^libav'; then fail "library_example links FFmpeg itself"; fi
    if needed "$out/recorder_example_static" | grep -q '^libcapstan'; then fail "the static example needs a .so"; fi
    ;;

pkgconfig)
    rm -rf "$out" && mkdir -p "$out/run"
    export PKG_CONFIG_PATH
    PKG_CONFIG_PATH=$(dirname "$(find "$root" -name capstan.pc | head -1)")
    [[ $(pkg-config --modversion capstan) == "$version" ]] || fail "pkg-config --modversion"
    for example in library_example recorder_example; do
        # shellcheck disable=SC2046 # pkg-config's output is a list of flags
        g++ -std=c++20 -O1 -o "$out/$example" "$src/Tests/install/consumer/$example.cpp" \
            $(pkg-config --cflags --libs capstan)
    done
    libdir=$(pkg-config --variable=libdir capstan)
    LD_LIBRARY_PATH=$libdir "$out/library_example" "$out/run/take.mp3"
    LD_LIBRARY_PATH=$libdir "$out/recorder_example" "$out/run"
    ;;

subdirectory)
    cmake -S "$src/Tests/install/consumer" -B "$out" -DCAPSTAN_SOURCE_DIR="$src" -DCMAKE_BUILD_TYPE=Release \
        >"$out.configure.log" 2>&1 || { cat "$out.configure.log"; fail "configure"; }
    # The consumer's build includes Capstan's, so the check must not build more than the consumer needs.
    cmake --build "$out" -j2 --target library_example recorder_example
    rm -rf "$out/run" && mkdir -p "$out/run"
    "$out/library_example" "$out/run/take.mp3"
    "$out/recorder_example" "$out/run"
    ;;

completion)
    bin=$root/usr/bin
    complete_words() {
        PATH=$bin:$PATH bash -c 'source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _capstan
            printf "%s\n" "${COMPREPLY[@]}"' _ "$root/usr/share/bash-completion/completions/capstan" "$@"
    }
    [[ $(complete_words capstan enc | sort | tr '\n' ' ') == "encode encoder encoders " ]] ||
        fail "commands: $(complete_words capstan enc | tr '\n' ' ')"
    complete_words capstan encode --bit | grep -qx -- --bit-rate || fail "encode options"
    complete_words capstan --verbose record --dur | grep -qx -- --duration || fail "record options after --verbose"
    [[ -z $(complete_words capstan encode in.wav) ]] || fail "a path position completes words"
    echo "completion: OK"
    ;;

identity)
    lv2=$6 vst3=$7
    grep -q '<urn:capstan:capture>' "$lv2/manifest.ttl" || fail "the LV2 manifest does not name urn:capstan:capture"
    IFS=. read -r _ minor micro <<<"$version"
    grep -q "lv2:minorVersion $minor" "$lv2/dsp.ttl" || fail "LV2 minor version is not $minor"
    grep -q "lv2:microVersion $micro" "$lv2/dsp.ttl" || fail "LV2 micro version is not $micro"
    # JUCE's VST3 component class ID (JUCE_VST3_CAN_REPLACE_VST2=0): ABCDEF01 9182FAEB, then the manufacturer and
    # plugin codes (Cpst, CpCa). Hosts store it in their sessions: if this fails, saved sessions lose the plugin.
    /usr/bin/python3 - "$vst3/Contents/x86_64-linux/CapstanCapture.so" <<'PY'
import sys
data = open(sys.argv[1], "rb").read()
cid = bytes.fromhex("ABCDEF019182FAEB") + b"CpstCpCa"
assert data.count(cid) >= 1, "the VST3 component class ID ABCDEF01-9182FAEB-Cpst-CpCa is not in the binary"
print("identity: VST3 class ID", cid.hex().upper(), "present")
PY
    echo "identity: LV2 urn:capstan:capture, version $version: OK"
    ;;

deb)
    rm -rf "$out" && mkdir -p "$out"
    cpack --config "$build/CPackConfig.cmake" -B "$out/packages" >"$out/cpack.log" 2>&1 ||
        { tail -30 "$out/cpack.log"; fail "cpack"; }
    soversion=${version%.*}
    arch=$(dpkg --print-architecture)
    deb() { echo "$out/packages/$1_$version-1_$arch.deb"; }
    for package in capstan capstan-plugins "libcapstan$soversion" libcapstan-dev python3-capstan; do
        need_file "$(deb "$package")"
    done
    depends() { dpkg-deb -f "$(deb "$1")" Depends | tr ',' '\n' | sed 's/^ *//'; }
    expect_depends() {
        local package=$1
        shift
        for dependency; do
            depends "$package" | grep -q "^$dependency" ||
                fail "$package does not depend on $dependency: $(depends "$package" | tr '\n' ' ')"
        done
    }
    # From dpkg-shlibdeps (FFmpeg, ALSA, the C library) and from what is loaded at run time or built against.
    expect_depends capstan libavcodec59 libavformat59 libasound2 libc6 fonts-dejavu-core libx11-6
    expect_depends capstan-plugins libc6 libx11-6
    expect_depends "libcapstan$soversion" libavformat59 libavcodec59 libstdc++6
    expect_depends libcapstan-dev "libcapstan$soversion (= $version" libavformat-dev libreaderwriterqueue-dev
    expect_depends python3-capstan "python3 (>= 3." python3-numpy libavformat59
    contents() { dpkg-deb -c "$(deb "$1")" | awk '{ print $6 }'; }
    contents capstan | grep -qx './usr/bin/capstan-app' || fail "capstan lacks the app"
    contents capstan | grep -qx './usr/share/applications/capstan.desktop' || fail "capstan lacks the desktop file"
    contents capstan-plugins | grep -q '^./usr/lib/vst3/CapstanCapture.vst3/' || fail "no VST3 in capstan-plugins"
    contents capstan-plugins | grep -q '^./usr/lib/lv2/CapstanCapture.lv2/' || fail "no LV2 in capstan-plugins"
    contents python3-capstan | grep -q '^./usr/lib/python3/dist-packages/capstan/_capstan.*\.so$' ||
        fail "no module in site-packages"
    contents python3-capstan | grep -qx './usr/lib/python3/dist-packages/capstan/py.typed' || fail "no py.typed"
    # Every Depends is satisfiable here (apt's simulation: nothing is installed).
    apt-get install -s -qq "$out"/packages/*.deb >"$out/apt-simulate.log" 2>&1 ||
        { cat "$out/apt-simulate.log"; fail "the packages' dependencies cannot be satisfied"; }

    # Unpacked into a scratch root (a real dpkg -i is Scripts/package-check.sh --system): the tool runs its demo,
    # the module imports, the plugins are where hosts scan.
    for package in "$out"/packages/*.deb; do dpkg -x "$package" "$out/root"; done
    "$out/root/usr/bin/capstan" demo "$out/demo" >"$out/demo.log" || { cat "$out/demo.log"; fail "capstan demo"; }
    PYTHONPATH=$out/root/usr/lib/python3/dist-packages /usr/bin/python3 -c "
import capstan, io, numpy as np
buffer = io.BytesIO()
s = capstan.StreamWriter(buffer, format='wav')
s.add_audio_stream(8000, 1)
with s.open():
    s.write_audio_chunk(0, np.zeros((800, 1), dtype=np.float32))
assert buffer.getbuffer().nbytes > 1600, buffer.getbuffer().nbytes
print('deb: python3-capstan writes a WAV')"
    if command -v lv2info >/dev/null; then
        LV2_PATH=$out/root/usr/lib/lv2 lv2info urn:capstan:capture >"$out/lv2info.log" ||
            fail "lv2info does not find urn:capstan:capture in the package's lib/lv2"
        grep -q 'Capstan Capture' "$out/lv2info.log" || fail "lv2info: $(head -5 "$out/lv2info.log")"
    fi
    need_file "$out/root/usr/lib/vst3/CapstanCapture.vst3/Contents/x86_64-linux/CapstanCapture.so"
    echo "deb: OK: $(du -k "$out"/packages/*.deb | awk '{ printf "%s (%s KiB) ", $2, $1 }')"
    ;;

pip)
    # Venvs that see Debian's numpy and pybind11; pip gets no index, so nothing can be downloaded. The CMake build
    # folder is kept between runs (like a user's repeated pip install), so only the first run compiles.
    for isolation in --no-build-isolation ""; do
        venv=$out/venv${isolation:+-no-isolation}
        rm -rf "$venv" "$out/run" && mkdir -p "$out/run"
        /usr/bin/python3 -m venv --system-site-packages "$venv"
        # shellcheck disable=SC2086 # $isolation is one option or none
        "$venv/bin/pip" install --no-index $isolation --config-settings build-dir="$out/build" "$src" \
            >"$out/pip.log" 2>&1 || { tail -40 "$out/pip.log"; fail "pip install ${isolation:-with build isolation}"; }
        (
            cd "$out/run" # not the source tree, and no PYTHONPATH
            env -u PYTHONPATH "$venv/bin/python" -c "
import capstan, numpy as np, sys
assert capstan.__file__.startswith(sys.prefix), capstan.__file__
s = capstan.StreamWriter('take.flac')
s.add_audio_stream(sample_rate=8000, num_channels=2)
with s.open():
    s.write_audio_chunk(0, np.zeros((8000, 2), dtype=np.float32))
print('pip ${isolation:-(build isolation)}: capstan', capstan.__version__, 'from', capstan.__file__)"
            [[ -s take.flac ]] || fail "no take.flac"
            [[ -n $(find "$venv/lib" -path '*/site-packages/capstan/py.typed') ]] || fail "no py.typed in the venv"
        )
        [[ $("$venv/bin/pip" show capstan | sed -n "s/^Version: //p") == "$version" ]] || fail "pip show capstan"
    done
    ;;

*)
    fail "unknown check '$check'"
    ;;
esac
