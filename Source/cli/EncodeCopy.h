#pragma once

#include "ArgumentParser.h"

#include <capstan/media/StreamConfig.h>

#include <optional>
#include <string>

namespace capstan::cli
{

/** What `capstan encode ... --encoder copy` needs: the streams are remuxed, not decoded. */
struct CopyRequest
{
    std::string input, inputFormat, output, format;
    double start = 0;
    std::optional<double> end;
    Options formatOptions;
    Metadata metadata;
};

/** `encode` with `--encoder copy` / `--video-encoder copy`: the selected streams' packets go into OUTPUT as they
    are (bit-exact, no re-encoding), cut on packets (video on key frames). Ctrl-C finishes OUTPUT cleanly. */
int runStreamCopy(const ParsedArguments& arguments, const CopyRequest& request);

/** True when the command line asks for a stream copy; a UsageError when it mixes copying with encoding options
    (a bit rate, a filter...) that only re-encoding can apply. */
bool wantsStreamCopy(const ParsedArguments& arguments);

} // namespace capstan::cli
