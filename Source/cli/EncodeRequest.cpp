#include "EncodeRequest.h"

#include <capstan/media/Error.h>
#include <capstan/media/Formats.h>

#include <cstdio>

namespace capstan::cli
{
namespace
{
std::pair<int, int> parseSize(const std::string& text)
{
    int w = 0, h = 0;
    char extra = 0;
    if (std::sscanf(text.c_str(), "%dx%d%c", &w, &h, &extra) != 2 || w <= 0 || h <= 0)
        throw UsageError("--video-size takes WxH with positive numbers, e.g. 1280x720, got '" + text + "'");
    return {w, h};
}

CodecConfig codecConfigFrom(const ParsedArguments& a, bool video)
{
    CodecConfig config; // the ranges were checked by the parser
    if (auto v = a.getNumber(video ? "video-bit-rate" : "bit-rate"))
        config.bitRate = int64_t(*v);
    if (video)
    {
        if (auto v = a.getNumber("gop"))
            config.gopSize = int(*v);
        if (auto v = a.getNumber("max-b-frames"))
            config.maxBFrames = int(*v);
    }
    else
    {
        if (auto v = a.getNumber("compression-level"))
            config.compressionLevel = int(*v);
        if (auto v = a.getNumber("qscale"))
            config.qscale = int(*v);
    }
    return config;
}
} // namespace

EncodeRequest requestFrom(const ParsedArguments& a)
{
    EncodeRequest r{.input = a.positional("INPUT"), .output = a.positional("OUTPUT"), .format = a.get("format")};
    if (r.output == "-" && r.format.empty())
        throw UsageError("writing to standard output ('-') needs --format, e.g. --format wav (see capstan muxers)");
    if (a.has("no-audio") && a.has("no-video"))
        throw UsageError("--no-audio and --no-video leave both streams out: nothing would be encoded");
    r.chunkFrames = int64_t(a.getNumber("chunk-frames").value_or(4096));
    r.audioOptions = a.getKeyValues("option");
    r.videoOptions = a.getKeyValues("video-option");
    r.formatOptions = a.getKeyValues("format-option");
    r.metadata = a.getKeyValues("metadata");
    r.audioCodec = codecConfigFrom(a, false);
    r.videoCodec = codecConfigFrom(a, true);
    r.encoderSampleRate = a.getNumber("encoder-sample-rate");
    r.encoderChannels = a.getNumber("encoder-channels");
    if (auto text = a.getOptional("video-size"))
        r.videoSize = parseSize(*text);
    r.start = a.getNumber("ss").value_or(0.0);
    if (a.has("to") && a.has("duration"))
        throw UsageError("--to and -t/--duration both say where to stop: give one");
    if (const auto to = a.getNumber("to"))
    {
        if (*to <= r.start)
            throw UsageError("--to must be after --ss: nothing would be encoded");
        r.end = *to;
    }
    if (const auto duration = a.getNumber("duration"))
    {
        if (*duration <= 0)
            throw UsageError("-t/--duration must be positive: nothing would be encoded");
        r.end = r.start + *duration;
    }
    if (auto text = a.getOptional("video-frame-rate"))
    {
        try
        {
            r.videoRate = parseRational(*text);
        }
        catch (const Error& e)
        {
            throw UsageError(std::string("--video-frame-rate: ") + e.what());
        }
        if (!r.videoRate.isValid() || r.videoRate.toDouble() > 1000.0)
            throw UsageError("--video-frame-rate takes a positive frame rate up to 1000, e.g. 30 or 30000/1001, got '" +
                             *text + "'");
    }
    return r;
}

} // namespace capstan::cli
