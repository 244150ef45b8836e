#pragma once

#include <string>
#include <vector>

namespace capstan::cli
{

/** `capstan muxers`: the output formats (muxers) this FFmpeg build offers. */
int runMuxersCommand(const std::vector<std::string>& args);

} // namespace capstan::cli
