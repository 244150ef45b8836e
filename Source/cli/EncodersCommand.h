#pragma once

#include <string>
#include <vector>

namespace capstan::cli
{

/** `capstan encoders`: the audio and video encoders this FFmpeg build offers. */
int runEncodersCommand(const std::vector<std::string>& args);

} // namespace capstan::cli
