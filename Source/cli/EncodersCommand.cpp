#include "EncodersCommand.h"

#include "ArgumentParser.h"
#include "CommandSupport.h"

#include <algorithm>
#include <cstdio>
#include <string>

extern "C"
{
#include <libavcodec/avcodec.h>
}

namespace capstan::cli
{

int runEncodersCommand(const std::vector<std::string>& args)
{
    ArgumentParser parser("capstan encoders", "List the encoders this FFmpeg build offers: name, kind, long name.");
    parser.flag("audio", "audio encoders only").flag("video", "video encoders only");
    addVerboseFlag(parser);
    const auto parsed = parseCommandLine(parser, args);
    if (!parsed)
        return 0; // --help was printed
    const ParsedArguments& arguments = *parsed;
    const bool onlyAudio = arguments.has("audio") && !arguments.has("video");
    const bool onlyVideo = arguments.has("video") && !arguments.has("audio");

    struct Row
    {
        std::string name, kind, longName;
    };
    std::vector<Row> rows;
    void* state = nullptr;
    while (const AVCodec* codec = av_codec_iterate(&state))
    {
        if (!av_codec_is_encoder(codec))
            continue;
        const bool isAudio = codec->type == AVMEDIA_TYPE_AUDIO;
        const bool isVideo = codec->type == AVMEDIA_TYPE_VIDEO;
        if (!(isAudio || isVideo) || (onlyAudio && !isAudio) || (onlyVideo && !isVideo))
            continue;
        rows.push_back({codec->name, isAudio ? "audio" : "video", codec->long_name ? codec->long_name : ""});
    }
    std::sort(rows.begin(), rows.end(),
              [](const Row& a, const Row& b) { return a.kind != b.kind ? a.kind < b.kind : a.name < b.name; });
    std::printf("%-24s %-6s %s\n", "NAME", "KIND", "LONG NAME");
    for (const auto& row : rows)
        std::printf("%-24s %-6s %s\n", row.name.c_str(), row.kind.c_str(), row.longName.c_str());
    return 0;
}

} // namespace capstan::cli
