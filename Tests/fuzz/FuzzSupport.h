#pragma once

#include <capstan/media/FfmpegLog.h>

#include <cstdio>
#include <cstdlib>

namespace capstan::fuzz
{

/** A property every input must keep. A violation aborts, which libFuzzer and the CTest driver both count as a
    finding (with the input that caused it), exactly like a crash inside the code under test. */
inline void fuzzCheck(bool condition, const char* what)
{
    if (!condition)
    {
        std::fprintf(stderr, "fuzz check failed: %s\n", what);
        std::abort();
    }
}

/** FFmpeg logs for most broken inputs; printing it all would slow every run down. Errors are still captured for
    capstan::Error's messages (FfmpegLog captures below the level). Cheap after the first call. */
inline void silenceFfmpeg()
{
    static const bool done = []
    {
        FfmpegLog::install();
        FfmpegLog::setLevel("quiet");
        return true;
    }();
    (void)done;
}

} // namespace capstan::fuzz
