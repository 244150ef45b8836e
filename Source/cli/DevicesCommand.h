#pragma once

#include <string>
#include <vector>

namespace capstan::cli
{

/** `capstan devices`: the audio inputs JUCE finds through ALSA and JACK, like `arecord -l` or `ffmpeg -sources`. */
int runDevicesCommand(const std::vector<std::string>& args);

} // namespace capstan::cli
