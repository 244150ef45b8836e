#pragma once

#include "ArgumentParser.h"
#include "EncodeRequest.h"

#include <set>
#include <string>
#include <vector>

namespace capstan::cli
{

/** The options of `capstan encode` that belong to one OUTPUT: its muxer, encoders and their settings. The others
    (the input and its demuxer, the cut, --map, --chunk-frames, --realtime, progress, -y/-n) hold for every output,
    as in ffmpeg, whose -y is global too. */
const std::set<std::string>& perOutputOptions();

/** The arguments as each OUTPUT sees them. With one output, the whole command line (options anywhere, as always).
    With several, ffmpeg's rule: an output's options are those written before it and after the previous output
    (the first output's also before INPUT); one written after the last output is a UsageError, and so is
    --encoder copy, which remuxes without the shared decode. */
std::vector<ParsedArguments> argumentsPerOutput(const ParsedArguments& arguments);

/** Before anything opens: two outputs that are one file (by any path), one URL or both standard output are a
    UsageError. */
void refuseSharedOutputs(const std::vector<EncodeRequest>& requests);

} // namespace capstan::cli
