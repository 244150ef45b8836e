#pragma once

#include <string>
#include <vector>

namespace capstan::cli
{

/** `capstan encode INPUT OUTPUT ...`: decodes any input FFmpeg reads and re-encodes it through StreamWriter. */
int runEncodeCommand(const std::vector<std::string>& args);

} // namespace capstan::cli
