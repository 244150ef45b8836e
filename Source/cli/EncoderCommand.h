#pragma once

#include <string>
#include <vector>

namespace capstan::cli
{

/** `capstan encoder NAME`: what one encoder takes (sample formats, rates, layouts or pixel formats) and its private
    options with their types, defaults, ranges and named values, like `ffmpeg -h encoder=NAME`. */
int runEncoderCommand(const std::vector<std::string>& args);

} // namespace capstan::cli
