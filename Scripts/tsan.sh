#!/usr/bin/env bash
# Builds the real-time recorder's tests and the video capture's C++ API test with ThreadSanitizer in a separate build
# folder and runs them.
#   Scripts/tsan.sh [BUILD_DIR] [catch2 test spec for the realtime tests...]
# BUILD_DIR defaults to build-tsan. The allocation/lock trap is compiled out under TSan (TSan owns malloc and the
# pthread functions); every other realtime test runs. moodycamel's queues synchronise with relaxed atomics and
# standalone fences, which TSan does not model: Scripts/tsan.supp silences reports inside moodycamel only, and
# the recorder annotates each block hand-off (__tsan_release/__tsan_acquire) so races on the audio data still show.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${1:-$root/build-tsan}"
shift || true

cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCAPSTAN_TSAN=ON -DCAPSTAN_BUILD_BENCHMARKS=OFF >/dev/null
cmake --build "$build" -j"${JOBS:-2}" --target capstan_realtime_tests capstan_capture_tests

export TSAN_OPTIONS="suppressions=$root/Scripts/tsan.supp halt_on_error=1 second_deadlock_stack=1 ${TSAN_OPTIONS:-}"
"$build/Tests/realtime/capstan_realtime_tests" "$@"
echo "ThreadSanitizer: no data race reported in capstan_realtime_tests"
# The capture thread, the recorder, the preview and the overlay mailbox in one process (the CLI cases run a child).
"$build/Tests/capture/capstan_capture_tests" "VideoCapture through the C++ API*,FramePacer*,AudioClockEstimator*"
echo "ThreadSanitizer: no data race reported in the video capture"
