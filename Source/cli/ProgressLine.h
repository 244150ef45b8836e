#pragma once

#include "ArgumentParser.h"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

namespace capstan::cli
{

/** The live line a long command keeps rewriting on stderr, as ffmpeg's stats line does:
    "capstan: 12.3 s of 60.0 s (20%)  speed 45.2x  ETA 0:01  250 fps". Shown when stderr is a terminal, or with
    --stats; never with --no-stats. */
class ProgressLine
{
public:
    /** `total`: the media seconds the command will reach, when known (for the percentage and the ETA). */
    ProgressLine(const ParsedArguments& arguments, std::optional<double> total);

    /** Media seconds done so far and, for video, frames written (-1: no video). Redrawn at most 4 times a second. */
    void update(double seconds, int64_t frames = -1);
    /** The last state, drawn once more, and the line ended. */
    void finish(double seconds, int64_t frames = -1);

    bool isShown() const { return enabled; }

    /** Adds --stats and --no-stats to a command. */
    static ArgumentParser& addFlags(ArgumentParser& parser);
    /** "speed 45.2x  ETA 0:01  250 fps" for these figures; the part a test can check without a terminal. */
    static std::string describe(double seconds, std::optional<double> total, double wallSeconds, int64_t frames);

private:
    void draw(double seconds, int64_t frames);

    std::optional<double> total;
    bool enabled = false;
    std::chrono::steady_clock::time_point start = std::chrono::steady_clock::now();
    std::chrono::steady_clock::time_point lastDraw{};
};

} // namespace capstan::cli
