#pragma once

#include "ArgumentParser.h"

#include <capstan/media/StreamConfig.h>

#include <cstdint>
#include <optional>
#include <string>
#include <utility>

namespace capstan::cli
{

/** Everything the command line asks for one OUTPUT of `capstan encode`, checked before anything opens. */
struct EncodeRequest
{
    std::string input, output, format;
    int64_t chunkFrames = 4096;
    Options audioOptions, videoOptions, formatOptions, metadata;
    CodecConfig audioCodec, videoCodec;
    std::optional<double> encoderSampleRate, encoderChannels;
    std::optional<std::pair<int, int>> videoSize;
    Rational videoRate;
    double start = 0;          ///< --ss, seconds from the input's start
    std::optional<double> end; ///< --to, or --ss + -t
};

/** Reads and checks one output's arguments (ParsedArguments::forListItem() gives them for each of several). */
EncodeRequest requestFrom(const ParsedArguments& arguments);

} // namespace capstan::cli
