#include "EncodeOutputs.h"

#include "CommandSupport.h"
#include "EncodeCopy.h"

namespace capstan::cli
{

const std::set<std::string>& perOutputOptions()
{
    static const std::set<std::string> names{"format",
                                             "timeout",
                                             "format-option",
                                             "metadata",
                                             "encoder",
                                             "encoder-format",
                                             "encoder-sample-rate",
                                             "encoder-channels",
                                             "bit-rate",
                                             "compression-level",
                                             "qscale",
                                             "option",
                                             "filter",
                                             "no-audio",
                                             "video-encoder",
                                             "video-encoder-format",
                                             "video-frame-rate",
                                             "video-size",
                                             "video-bit-rate",
                                             "gop",
                                             "max-b-frames",
                                             "video-option",
                                             "video-filter",
                                             "no-video"};
    return names;
}

std::vector<ParsedArguments> argumentsPerOutput(const ParsedArguments& arguments)
{
    const auto outputs = arguments.positionalValues("OUTPUT");
    if (outputs.size() <= 1)
        return {arguments};
    if (const auto trailing = arguments.optionsAfterList("OUTPUT", perOutputOptions()); !trailing.empty())
        throw UsageError("--" + trailing.front() + " is written after the last OUTPUT '" + outputs.back() +
                         "': with several outputs, each output's options go before it (as in ffmpeg), e.g. "
                         "capstan encode in.wav --encoder flac a.flac --bit-rate 128k b.mp3");
    std::vector<ParsedArguments> perOutput;
    for (size_t i = 0; i < outputs.size(); ++i)
    {
        perOutput.push_back(arguments.forListItem("OUTPUT", i, perOutputOptions()));
        if (wantsStreamCopy(perOutput.back()))
            throw UsageError("--encoder copy (or --video-encoder copy) for '" + outputs[i] +
                             "': copying remuxes packets without decoding, so it writes one output per command; "
                             "copy in a command of its own, or re-encode every output");
    }
    return perOutput;
}

void refuseSharedOutputs(const std::vector<EncodeRequest>& requests)
{
    for (size_t i = 0; i < requests.size(); ++i)
        for (size_t j = 0; j < i; ++j)
        {
            const std::string &a = requests[j].output, &b = requests[i].output;
            const bool same = isLocalFilePath(a) && isLocalFilePath(b) ? sameFile(a, b) : a == b;
            if (same)
                throw UsageError(a == "-"
                                     ? std::string("standard output ('-') is given as two outputs: it can take one")
                                     : "the outputs '" + a + "' and '" + b +
                                           "' are the same file: each output needs a name of its own");
        }
}

} // namespace capstan::cli
