#!/usr/bin/env bash
# Builds the libFuzzer targets (Tests/fuzz) with clang, ASan and UBSan into build-fuzz and fuzzes them.
#   Scripts/fuzz.sh [TARGET|all] [SECONDS]
# TARGET: fuzz_media_bytes, fuzz_float_audio, fuzz_parameters or all (the default); SECONDS per target (300).
# Each run starts from the corpus in the repo (Tests/fuzz/corpus/TARGET) and the saved regression inputs
# (Tests/fuzz/regressions/TARGET); new corpus entries go to build-fuzz/corpus/TARGET (copy the good ones into the
# repo by hand, keep them small), findings to build-fuzz/crashes/ (crash-*, leak-*, timeout-*, oom-*).
# Limits per input: 10 s, 2048 MB. KEEP_GOING=1 runs libFuzzer in fork mode and goes on after a finding.
# Extra libFuzzer flags: FUZZ_FLAGS="-dict=... -jobs=2". Reproduce one input: build-fuzz/Tests/fuzz/TARGET FILE.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${CAPSTAN_FUZZ_BUILD_DIR:-$root/build-fuzz}"
targets=(fuzz_media_bytes fuzz_float_audio fuzz_parameters)
which="${1:-all}"
seconds="${2:-300}"
if [[ "$which" != all ]]; then
    if [[ ! " ${targets[*]} " =~ " $which " ]]; then
        echo "fuzz.sh: unknown target '$which'; the targets are: ${targets[*]} (or all)" >&2
        exit 2
    fi
    targets=("$which")
fi
"$root/Scripts/setup.sh" fuzz
if ! command -v clang++ >/dev/null || [[ ! -e "$(clang++ -print-file-name=libclang_rt.fuzzer-x86_64.a)" ]]; then
    echo "fuzz.sh: clang++ has no libFuzzer runtime (Debian: clang libclang-rt-14-dev)" >&2
    exit 1
fi

CC=clang CXX=clang++ cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCAPSTAN_FUZZ=ON \
    -DCAPSTAN_BUILD_TESTS=OFF -DCAPSTAN_BUILD_BENCHMARKS=OFF -DCAPSTAN_BUILD_PLUGINS=OFF >/dev/null
cmake --build "$build" -j"${JOBS:-2}" --target "${targets[@]}"

export ASAN_OPTIONS="halt_on_error=1 detect_leaks=1 ${ASAN_OPTIONS:-}"
export LSAN_OPTIONS="suppressions=$root/Scripts/lsan.supp print_suppressions=0 ${LSAN_OPTIONS:-}"
export UBSAN_OPTIONS="halt_on_error=1 print_stacktrace=1 ${UBSAN_OPTIONS:-}"
keepGoing=()
if [[ "${KEEP_GOING:-0}" == 1 ]]; then
    keepGoing=(-fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1)
fi

mkdir -p "$build/crashes" "$build/work"
status=0
for target in "${targets[@]}"; do
    mkdir -p "$build/corpus/$target"
    echo "== $target for $seconds s"
    # The working folder is scratch: nothing a target might write by a relative name lands in the repo.
    if ! (cd "$build/work" && "$build/Tests/fuzz/$target" "$build/corpus/$target" \
        "$root/Tests/fuzz/corpus/$target" "$root/Tests/fuzz/regressions/$target" \
        -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
        -artifact_prefix="$build/crashes/$target-" "${keepGoing[@]}" ${FUZZ_FLAGS:-}); then
        echo "fuzz.sh: $target found a problem; the input is in $build/crashes/" >&2
        status=1
    fi
done
exit $status
