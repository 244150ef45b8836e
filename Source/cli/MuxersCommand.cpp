#include "MuxersCommand.h"

#include "ArgumentParser.h"
#include "CommandSupport.h"

#include <algorithm>
#include <cstdio>
#include <string>

extern "C"
{
#include <libavformat/avformat.h>
}

namespace capstan::cli
{

int runMuxersCommand(const std::vector<std::string>& args)
{
    ArgumentParser parser("capstan muxers",
                          "List the output formats (muxers) this FFmpeg build offers: name, the kinds of stream it "
                          "takes by default (audio, video), file extensions, long name. Pass the name to "
                          "`capstan encode --format`.");
    addVerboseFlag(parser);
    if (!parseCommandLine(parser, args))
        return 0; // --help was printed

    struct Row
    {
        std::string name, kind, extensions, longName;
    };
    std::vector<Row> rows;
    void* state = nullptr;
    while (const AVOutputFormat* format = av_muxer_iterate(&state))
    {
        std::string kind;
        if (format->audio_codec != AV_CODEC_ID_NONE)
            kind = "audio";
        if (format->video_codec != AV_CODEC_ID_NONE)
            kind += kind.empty() ? "video" : ",video";
        rows.push_back({format->name, kind.empty() ? "-" : kind, format->extensions ? format->extensions : "",
                        format->long_name ? format->long_name : ""});
    }
    std::sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) { return a.name < b.name; });
    std::printf("%-20s %-12s %-20s %s\n", "NAME", "KIND", "EXTENSIONS", "LONG NAME");
    for (const auto& row : rows)
        std::printf("%-20s %-12s %-20s %s\n", row.name.c_str(), row.kind.c_str(), row.extensions.c_str(),
                    row.longName.c_str());
    return 0;
}

} // namespace capstan::cli
