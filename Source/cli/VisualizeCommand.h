#pragma once

#include <string>
#include <vector>

namespace capstan::cli
{

/** `capstan visualize INPUT OUTPUT.mp4 [--fps 20] [--fft 4000] [--size 320x240]`: a spectrum-visualizer video
    (libx264) with the input's audio (aac), frame i at exactly i / fps. */
int runVisualizeCommand(const std::vector<std::string>& args);

} // namespace capstan::cli
