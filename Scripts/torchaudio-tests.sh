#!/usr/bin/env bash
# Runs torchaudio's own StreamWriter unit tests twice, on torchaudio.io.StreamWriter and with StreamWriter pointing at
# capstan.StreamWriter, and compares: every test that passes on torchaudio must pass on capstan (exit 1 otherwise).
#
#   Scripts/torchaudio-tests.sh PATH/TO/stream_writer_test.py [BUILD_DIR]
#
# The test file is torchaudio's, not ours, and is never copied into this repository. Get it yourself, outside the
# project tree, from the pytorch/audio repository: test/torchaudio_unittest/io/stream_writer_test.py of the 0.13
# line. The version this was checked with is commit 140ebf7858f4effda5ba55352a97907e51d8393d (the 0.13.1 tests,
# with test_preserve_fps); the older 28da8b84886d409fc1d536e0bf5b6ac557b174dd (0.13.0's) runs too. For example
# `git clone --branch v0.13.1 <pytorch/audio> /tmp/audio` and pass /tmp/audio/test/torchaudio_unittest/io/...
# This script downloads nothing: the build and the tests never fetch anything.
#
# Tests/python/torchaudio_suite provides what the file imports (torchaudio_unittest.common_utils, generated media
# assets, a tinytag stand-in); python3-parameterized and python3-torchaudio come from Scripts/setup.sh.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
test_file="${1:?usage: Scripts/torchaudio-tests.sh PATH/TO/stream_writer_test.py [BUILD_DIR]}"
build="${2:-${CAPSTAN_BUILD_DIR:-$root/build}}"
python=/usr/bin/python3
suite="$root/Tests/python/torchaudio_suite/run_suite.py"
[[ -f "$test_file" ]] || { echo "no such file: $test_file" >&2; exit 2; }
compgen -G "$build/python/capstan/_capstan*.so" >/dev/null ||
    { echo "no capstan package in $build/python: build the capstan_python target first" >&2; exit 2; }

out="$(mktemp -d "${TMPDIR:-/tmp}/capstan-torchaudio-tests.XXXXXX")"
export PYTHONPATH="$build/python" PYTHONDONTWRITEBYTECODE=1
for writer in torchaudio capstan; do
    echo "== torchaudio's StreamWriter tests on $writer (log: $out/$writer.log)"
    # A writer that crashes the interpreter must not hide the other's results: each runs in its own process.
    "$python" "$suite" run "$test_file" --writer "$writer" --json "$out/$writer.json" >"$out/$writer.log" 2>&1 ||
        { tail -20 "$out/$writer.log"; exit 1; }
    grep -E "^StreamWriter under test|passed, .* failed" "$out/$writer.log"
done
"$python" "$suite" compare "$out/torchaudio.json" "$out/capstan.json"
