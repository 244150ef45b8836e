#include "EncoderCommand.h"

#include "ArgumentParser.h"
#include "CommandSupport.h"

#include <capstan/media/Error.h>

#include <cinttypes>
#include <cstdio>
#include <string>

extern "C"
{
#include <libavcodec/avcodec.h>
#include <libavutil/channel_layout.h>
#include <libavutil/opt.h>
#include <libavutil/pixdesc.h>
}

namespace capstan::cli
{
namespace
{
const char* typeName(AVOptionType type)
{
    switch (type)
    {
    case AV_OPT_TYPE_FLAGS:
        return "flags";
    case AV_OPT_TYPE_INT:
    case AV_OPT_TYPE_INT64:
    case AV_OPT_TYPE_UINT64:
        return "int";
    case AV_OPT_TYPE_DOUBLE:
    case AV_OPT_TYPE_FLOAT:
        return "float";
    case AV_OPT_TYPE_STRING:
        return "string";
    case AV_OPT_TYPE_RATIONAL:
        return "rational";
    case AV_OPT_TYPE_BOOL:
        return "bool";
    case AV_OPT_TYPE_DICT:
        return "dict";
    default:
        return "value";
    }
}

/** The option's default and accepted range, as text ("default 96000, 500..512000"). */
std::string defaultAndRange(const AVOption& o)
{
    char text[160] = {};
    switch (o.type)
    {
    case AV_OPT_TYPE_INT:
    case AV_OPT_TYPE_INT64:
    case AV_OPT_TYPE_UINT64:
    case AV_OPT_TYPE_FLAGS:
    case AV_OPT_TYPE_BOOL:
        std::snprintf(text, sizeof(text), "default %" PRId64 ", %.15g..%.15g", o.default_val.i64, o.min, o.max);
        break;
    case AV_OPT_TYPE_DOUBLE:
    case AV_OPT_TYPE_FLOAT:
        std::snprintf(text, sizeof(text), "default %g, %.15g..%.15g", o.default_val.dbl, o.min, o.max);
        break;
    case AV_OPT_TYPE_STRING:
        std::snprintf(text, sizeof(text), "default '%s'", o.default_val.str ? o.default_val.str : "");
        break;
    default:
        break;
    }
    return text;
}

template <typename T, typename Describe>
std::string listOf(const T* values, T end, Describe&& describe)
{
    std::string list;
    for (const T* v = values; v && *v != end; ++v)
        list += (list.empty() ? "" : ", ") + describe(*v);
    return list.empty() ? "any" : list;
}

void printCapabilities(const AVCodec* codec)
{
    if (codec->type == AVMEDIA_TYPE_AUDIO)
    {
        std::printf("  sample formats: %s\n",
                    listOf(codec->sample_fmts, AV_SAMPLE_FMT_NONE,
                           [](AVSampleFormat f) { return std::string(av_get_sample_fmt_name(f)); })
                        .c_str());
        std::printf("  sample rates: %s\n",
                    listOf(codec->supported_samplerates, 0, [](int r) { return std::to_string(r); }).c_str());
        std::string layouts;
        for (const AVChannelLayout* l = codec->ch_layouts; l && l->nb_channels; ++l)
        {
            char name[64] = {};
            av_channel_layout_describe(l, name, sizeof(name));
            layouts += (layouts.empty() ? "" : ", ") + std::string(name);
        }
        std::printf("  channel layouts: %s\n", layouts.empty() ? "any" : layouts.c_str());
    }
    else
        std::printf("  pixel formats: %s\n", listOf(codec->pix_fmts, AV_PIX_FMT_NONE,
                                                    [](AVPixelFormat f) { return std::string(av_get_pix_fmt_name(f)); })
                                                 .c_str());
}
} // namespace

int runEncoderCommand(const std::vector<std::string>& args)
{
    ArgumentParser parser("capstan encoder",
                          "Show what one encoder takes and its private options (types, defaults, ranges, named "
                          "values), like `ffmpeg -h encoder=NAME`. Set them with `capstan encode --option KEY=VALUE` "
                          "(audio) or `--video-option KEY=VALUE` (video).");
    parser.positional("NAME", "an encoder name from `capstan encoders`, e.g. libopus, flac, libx264");
    addVerboseFlag(parser);
    const auto parsed = parseCommandLine(parser, args);
    if (!parsed)
        return 0; // --help was printed
    const std::string name = parsed->positional("NAME");
    const AVCodec* codec = avcodec_find_encoder_by_name(name.c_str());
    if (codec == nullptr || (codec->type != AVMEDIA_TYPE_AUDIO && codec->type != AVMEDIA_TYPE_VIDEO))
        throw Error("no audio or video encoder named '" + name +
                    "' in this FFmpeg build; `capstan encoders` lists them");

    const bool audio = codec->type == AVMEDIA_TYPE_AUDIO;
    std::printf("%s (%s encoder): %s\n", codec->name, audio ? "audio" : "video",
                codec->long_name ? codec->long_name : "");
    printCapabilities(codec);

    const AVClass* options = codec->priv_class;
    const AVOption* option = nullptr;
    bool any = false;
    while (options && (option = av_opt_next(&options, option)))
    {
        if (option->type == AV_OPT_TYPE_CONST)
            continue;
        if (!any)
            std::printf("options (set with %s KEY=VALUE):\n", audio ? "--option" : "--video-option");
        any = true;
        std::printf("  %-24s %-8s %s\n", option->name, typeName(option->type), option->help ? option->help : "");
        // Named values share the option's unit: list them, and name the default by its value when one matches.
        std::string named, defaultName;
        const AVOption* value = nullptr;
        while (option->unit && (value = av_opt_next(&options, value)))
            if (value->type == AV_OPT_TYPE_CONST && value->unit && std::string(value->unit) == option->unit)
            {
                named += (named.empty() ? "" : ", ") + std::string(value->name);
                if (defaultName.empty() && value->default_val.i64 == option->default_val.i64)
                    defaultName = value->name;
            }
        const std::string range = defaultAndRange(*option);
        if (!defaultName.empty())
            std::printf("  %-24s %-8s (default %s)\n", "", "", defaultName.c_str());
        else if (!range.empty())
            std::printf("  %-24s %-8s (%s)\n", "", "", range.c_str());
        if (!named.empty())
            std::printf("  %-24s %-8s values: %s\n", "", "", named.c_str());
    }
    if (!any)
        std::printf("no private options (the common ones are --bit-rate, --compression-level, --qscale)\n");
    return 0;
}

} // namespace capstan::cli
