#!/usr/bin/env bash
# Builds the media, realtime and session tests (and the `capstan` tool they run) with AddressSanitizer and
# UndefinedBehaviorSanitizer in a separate build folder and runs them.
#   Scripts/asan.sh [BUILD_DIR] [catch2 test spec...]
# BUILD_DIR defaults to build-asan. The first report ends the run with a non-zero exit (halt_on_error, and UBSan is
# built with -fno-sanitize-recover=all); LeakSanitizer runs at exit. The realtime allocation/lock trap is compiled
# out (ASan owns malloc), as under TSan. A test spec replaces the default one, which leaves out the [device] tests:
# they start JACK servers under fixed system-wide names.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${1:-$root/build-asan}"
shift || true
spec=("$@")
if ((${#spec[@]} == 0)); then spec=("~[device]"); fi

cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCAPSTAN_ASAN=ON -DCAPSTAN_BUILD_BENCHMARKS=OFF \
    -DCAPSTAN_BUILD_PLUGINS=OFF >/dev/null
cmake --build "$build" -j"${JOBS:-2}" --target capstan_media_tests capstan_realtime_tests capstan_session_tests

# Child processes (the capstan tool the CLI tests start) inherit these and fail the same way.
export ASAN_OPTIONS="halt_on_error=1 detect_leaks=1 detect_stack_use_after_return=1 strict_string_checks=1 \
check_initialization_order=1 ${ASAN_OPTIONS:-}"
export LSAN_OPTIONS="suppressions=$root/Scripts/lsan.supp print_suppressions=0 ${LSAN_OPTIONS:-}"
export UBSAN_OPTIONS="halt_on_error=1 print_stacktrace=1 ${UBSAN_OPTIONS:-}"

status=0
for tests in capstan_media_tests realtime/capstan_realtime_tests session/capstan_session_tests; do
    echo "== $tests"
    if ! "$build/Tests/$tests" "${spec[@]}"; then
        echo "asan.sh: $tests failed (see the sanitizer report above)" >&2
        status=1
    fi
done
if ((status == 0)); then
    echo "AddressSanitizer/UndefinedBehaviorSanitizer: nothing reported in the media, realtime and session tests"
fi
exit $status
