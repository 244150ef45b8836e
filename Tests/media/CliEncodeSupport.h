#pragma once

// What the `capstan encode` tests share: a noisy input and the check of a usage error.

#include "support/TestSupport.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <string>

namespace capstan::test
{

/** 2 s of 48 kHz stereo s16 noise: every sample differs, so a cut one sample off shows. */
inline fs::path makeNoiseWav(const TestDir& dir)
{
    const auto path = dir.file("noise.wav");
    runFfmpeg({"-f", "lavfi", "-i", "anoisesrc=r=48000:d=2:a=0.5:s=7", "-ac", "2", "-c:a", "pcm_s16le", path.string()});
    return path;
}

/** Exit code 2 and one line on stderr that mentions `mentions`. */
inline void checkUsageError(const ProcessResult& result, const std::string& mentions)
{
    INFO("stderr: " << result.err);
    CHECK(result.exitCode == 2);
    CHECK(std::count(result.err.begin(), result.err.end(), '\n') == 1);
    CHECK_THAT(result.err, Catch::Contains(mentions));
}

} // namespace capstan::test
