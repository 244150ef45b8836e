#pragma once

#include "ArgumentParser.h"

#include <capstan/realtime/RecorderConfig.h>

#include <string>
#include <vector>

namespace capstan::cli
{

/** `--visualize [WxH]`: the option takes an optional value, which ArgumentParser does not know; a bare
    `--visualize` becomes `--visualize=320x240`. */
std::vector<std::string> expandVisualizeFlag(const std::vector<std::string>& args);

/** The recorder's video stream `video` (size, rate, pixel format in), encoded as H.264 and carried by the outputs
    whose container takes video; audio-only outputs stay audio-only. A UsageError naming `option` when no output
    can carry it. */
void addVideoStream(RecorderConfig& config, VideoSpec video, const std::string& option);

/** --visualize and --fps: the recorder's video stream (bgra in, H.264 out), carried by the outputs whose container
    takes video; audio-only outputs stay audio-only. A UsageError when no output can carry it. */
void configureVisualize(const ParsedArguments& arguments, RecorderConfig& config);

} // namespace capstan::cli
