#include "Encoder.h"

#include "Error.h"
#include "Limits.h"

extern "C"
{
#include <libavutil/cpu.h>
#include <libavutil/opt.h>
}

#include <algorithm>
#include <cstring>
#include <optional>
#include <set>
#include <span>
#include <vector>

namespace capstan
{

const AVCodec* Encoder::find(const std::string& name, AVMediaType type, const AVOutputFormat* format,
                             const std::string& destination)
{
    const char* kind = type == AVMEDIA_TYPE_AUDIO ? "audio" : "video";
    const AVCodec* codec = nullptr;
    if (name.empty())
    {
        const AVCodecID id = av_guess_codec(format, nullptr, destination.c_str(), nullptr, type);
        if (id == AV_CODEC_ID_NONE)
            throw Error(std::string("the '") + format->name + "' container has no default " + kind +
                        " encoder; choose one with `encoder` (e.g. \"" +
                        (type == AVMEDIA_TYPE_AUDIO ? "aac" : "libx264") + "\")");
        codec = avcodec_find_encoder(id);
        if (!codec)
            throw Error(std::string("this FFmpeg build has no encoder for '") + avcodec_get_name(id) +
                        "', the default " + kind + " codec of '" + format->name + "'; choose another `encoder`");
    }
    else
    {
        codec = avcodec_find_encoder_by_name(name.c_str());
        if (!codec)
            throw Error("unknown encoder '" + name + "'; `capstan encoders` lists the " + kind +
                        " encoders of this FFmpeg build");
    }
    if (codec->type != type)
        throw Error("encoder '" + std::string(codec->name) + "' is not " +
                    (type == AVMEDIA_TYPE_AUDIO ? "an audio" : "a video") + " encoder");
    return codec;
}

Encoder::Encoder(AVFormatContext* format, const AVCodec* codec)
    : formatContext(format), codecContext(avcodec_alloc_context3(codec)), packet(ffmpeg::allocPacket()),
      codecName(codec ? codec->name : "")
{
    if (!codecContext)
        throw Error("out of memory allocating an encoder context");
    if (formatContext->oformat->flags & AVFMT_GLOBALHEADER)
        codecContext->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;
}

std::string Encoder::name() const
{
    return codecName; // kept: a failed avcodec_open2() sets the context's codec to null
}

void Encoder::applyConfig(const CodecConfig& config)
{
    checkConfig(config, codecContext->codec, codecContext->codec_type);
    if (config.bitRate > 0)
        codecContext->bit_rate = config.bitRate;
    if (config.compressionLevel >= 0)
        codecContext->compression_level = config.compressionLevel;
    if (config.qscale)
    {
        codecContext->flags |= AV_CODEC_FLAG_QSCALE;
        codecContext->global_quality = FF_QP2LAMBDA * *config.qscale;
    }
    if (config.gopSize >= 0)
        codecContext->gop_size = config.gopSize;
    if (config.maxBFrames >= 0)
        codecContext->max_b_frames = config.maxBFrames;
}

namespace
{
struct Range
{
    int low;
    int high;
};

struct EncoderRange
{
    const char* encoder;
    Range range;
};

/** qscale ranges of the encoders that read it as their quality scale (FFmpeg's docs and sources); others, which
    mostly ignore it (libx264 takes crf and qp options instead), get 0..maxGenericQscale. */
constexpr EncoderRange qscaleRanges[] = {{"libmp3lame", {0, 9}},  {"libvorbis", {-1, 10}}, {"libtheora", {0, 10}},
                                         {"mpeg1video", {1, 31}}, {"mpeg2video", {1, 31}}, {"mpeg4", {1, 31}},
                                         {"msmpeg4", {1, 31}},    {"msmpeg4v2", {1, 31}},  {"h263", {1, 31}},
                                         {"h263p", {1, 31}},      {"flv", {1, 31}},        {"mjpeg", {1, 31}},
                                         {"wmv1", {1, 31}},       {"wmv2", {1, 31}}};

/** compression_level ranges of the encoders that read it (FFmpeg clips some of them without a word). */
constexpr EncoderRange compressionRanges[] = {{"flac", {0, 12}},   {"libopus", {0, 10}}, {"libmp3lame", {0, 9}},
                                              {"alac", {0, 2}},    {"png", {0, 9}},      {"apng", {0, 9}},
                                              {"wavpack", {0, 8}}, {"libwebp", {0, 6}},  {"libwebp_anim", {0, 6}}};

template <size_t N>
std::optional<Range> rangeOf(const EncoderRange (&table)[N], const AVCodec* codec)
{
    for (const auto& entry : table)
        if (codec && std::strcmp(codec->name, entry.encoder) == 0)
            return entry.range;
    return std::nullopt;
}

std::string rateText(int64_t bitsPerSecond)
{
    if (bitsPerSecond >= 1'000'000'000)
        return std::to_string(bitsPerSecond / 1'000'000'000) + " Gbit/s";
    return bitsPerSecond >= 1'000'000 ? std::to_string(bitsPerSecond / 1'000'000) + " Mbit/s"
                                      : std::to_string(bitsPerSecond / 1'000) + " kbit/s";
}

std::string forWhom(const AVCodec* codec)
{
    return codec ? " for encoder '" + std::string(codec->name) + "'" : std::string();
}

void checkSetting(const char* what, int64_t value, Range range, const std::string& scope)
{
    if (value == -1 || (value >= range.low && value <= range.high))
        return;
    throw RangeError(std::string(what) + " " + std::to_string(value) + " is out of range" + scope + ": accepted " +
                     std::to_string(range.low) + " .. " + std::to_string(range.high) +
                     ", or -1 for the encoder's default");
}
} // namespace

void Encoder::checkConfig(const CodecConfig& config, const AVCodec* codec, AVMediaType type)
{
    const bool video = type == AVMEDIA_TYPE_VIDEO;
    const bool audio = type == AVMEDIA_TYPE_AUDIO;
    const int64_t maxRate = audio ? limits::maxAudioBitRate : limits::maxVideoBitRate;
    if (config.bitRate != -1 && (config.bitRate < limits::minBitRate || config.bitRate > maxRate))
        throw RangeError("bit rate " + std::to_string(config.bitRate) + " b/s is out of range" +
                         (audio   ? " for audio"
                          : video ? " for video"
                                  : "") +
                         ": accepted " + std::to_string(limits::minBitRate) + " .. " + std::to_string(maxRate) + " (" +
                         rateText(limits::minBitRate) + " .. " + rateText(maxRate) +
                         "), or -1 for the encoder's default");

    const auto compression = rangeOf(compressionRanges, codec);
    checkSetting("compression level", config.compressionLevel,
                 compression.value_or(Range{0, limits::maxGenericCompressionLevel}),
                 forWhom(compression ? codec : nullptr));

    if (config.qscale)
    {
        const auto known = rangeOf(qscaleRanges, codec);
        // libvorbis takes -1 as a quality: qscale has no "unset" value of its own (std::nullopt is unset).
        const Range range = known.value_or(Range{0, limits::maxGenericQscale});
        if (*config.qscale < range.low || *config.qscale > range.high)
            throw RangeError("qscale " + std::to_string(*config.qscale) + " is out of range" +
                             forWhom(known ? codec : nullptr) + ": accepted " + std::to_string(range.low) + " .. " +
                             std::to_string(range.high) +
                             (known ? std::string(" (") + codec->name + "'s quality scale)" : std::string()) +
                             ", or none for the encoder's default");
    }

    if (audio && (config.gopSize != -1 || config.maxBFrames != -1))
        throw Error("GOP size and B-frames are video settings; an audio stream takes bit rate, compression level "
                    "and qscale (leave gopSize and maxBFrames at -1)");
    checkSetting("GOP size", config.gopSize, {0, limits::maxGopSize}, " (frames between key frames)");
    checkSetting("max B-frames", config.maxBFrames, {0, limits::maxBFrames}, "");
}

std::string Encoder::codecsTakenBy(const AVOutputFormat* format, AVMediaType type, size_t maxNames)
{
    // The common choices first, in the order a user would try them; then the rest of what the build has.
    static const char* const commonAudio[] = {"aac", "alac", "flac", "opus", "mp3", "vorbis", "ac3", "pcm_s16le"};
    static const char* const commonVideo[] = {"h264", "hevc", "av1", "vp9", "vp8", "mpeg4", "mjpeg", "png"};
    std::vector<std::string> names;
    std::set<AVCodecID> seen;
    const auto consider = [&](AVCodecID id)
    {
        if (seen.insert(id).second && avformat_query_codec(format, id, FF_COMPLIANCE_NORMAL) == 1)
            names.emplace_back(avcodec_get_name(id));
    };
    for (const char* name : type == AVMEDIA_TYPE_AUDIO ? std::span(commonAudio) : std::span(commonVideo))
        if (const AVCodecDescriptor* d = avcodec_descriptor_get_by_name(name); d && avcodec_find_encoder(d->id))
            consider(d->id);
    void* iterator = nullptr;
    while (const AVCodec* codec = av_codec_iterate(&iterator))
        if (av_codec_is_encoder(codec) && codec->type == type)
            consider(codec->id);

    std::string list;
    for (size_t i = 0; i < names.size() && i < maxNames; ++i)
        list += (i == 0 ? "" : ", ") + names[i];
    if (names.size() > maxNames)
        list += ", ... (" + std::to_string(names.size()) + " in all)";
    return list;
}

namespace
{
/** Debian 12's x264 (core 164) reads uninitialised memory in its AVX-512 code: on AVX-512 machines the same frames
    give different bytes from run to run (the ffmpeg CLI's output changes with MALLOC_PERTURB_ too). Capstan's output
    must depend on its input only, so libx264 runs its AVX2 code there unless the caller chose `asm` itself (every
    AVX-512 CPU has AVX2). Benchmarks/encode_vs_ffmpeg.py measures libx264 with this setting. */
Options withDeterministicX264(const AVCodec* codec, Options options)
{
    const std::string name = codec->name;
    if ((name != "libx264" && name != "libx264rgb") || !(av_get_cpu_flags() & AV_CPU_FLAG_AVX512))
        return options;
    const auto params =
        std::find_if(options.begin(), options.end(), [](const auto& o) { return o.first == "x264-params"; });
    const bool chosen = std::any_of(options.begin(), options.end(),
                                    [](const auto& o) {
                                        return (o.first == "x264-params" || o.first == "x264opts") &&
                                               o.second.find("asm") != std::string::npos;
                                    });
    if (chosen)
        return options;
    if (params == options.end())
        options.emplace_back("x264-params", "asm=avx2");
    else
        params->second += ":asm=avx2";
    return options;
}
} // namespace

void Encoder::open(const Options& requestedOptions, const Metadata& metadata)
{
    ffmpeg::Dictionary dict;
    for (const auto& [key, value] : withDeterministicX264(codecContext->codec, requestedOptions))
        dict.set(key.c_str(), value.c_str());

    checkFfmpeg(avcodec_open2(codecContext.get(), codecContext->codec, dict.address()),
                "cannot open encoder '" + name() + "' with these settings");

    if (dict.count() > 0)
    {
        std::string unknown;
        for (const AVDictionaryEntry* e = nullptr; (e = av_dict_get(dict.get(), "", e, AV_DICT_IGNORE_SUFFIX));)
            unknown += (unknown.empty() ? "'" : ", '") + std::string(e->key) + "'";
        throw Error("encoder '" + name() + "' does not know the option " + unknown + "; `ffmpeg -h encoder=" + name() +
                    "` lists its options");
    }

    muxerStream = avformat_new_stream(formatContext, nullptr);
    if (!muxerStream)
        throw Error("out of memory adding a stream");
    muxerStream->time_base = codecContext->time_base;
    if (codecContext->codec_type == AVMEDIA_TYPE_VIDEO)
        muxerStream->avg_frame_rate = codecContext->framerate;
    checkFfmpeg(avcodec_parameters_from_context(muxerStream->codecpar, codecContext.get()),
                "cannot copy encoder parameters to the stream");
    for (const auto& [key, value] : metadata)
        av_dict_set(&muxerStream->metadata, key.c_str(), value.c_str(), 0);
}

void Encoder::encode(AVFrame* frame)
{
    if (drained)
        return;
    checkFfmpeg(avcodec_send_frame(codecContext.get(), frame), "encoder '" + name() + "' rejected a frame");
    if (!frame)
        drained = true;

    for (;;)
    {
        const int result = avcodec_receive_packet(codecContext.get(), packet.get());
        if (result == AVERROR(EAGAIN) || result == AVERROR_EOF)
            return;
        checkFfmpeg(result, "encoder '" + name() + "' failed");

        // Video encoders in FFmpeg 5.1 leave durations unset; without one the muxer drops the last frame's length.
        if (codecContext->codec_type == AVMEDIA_TYPE_VIDEO && packet->duration == 0)
            packet->duration = 1;
        av_packet_rescale_ts(packet.get(), codecContext->time_base, muxerStream->time_base);
        packet->stream_index = muxerStream->index;
        checkFfmpeg(av_interleaved_write_frame(formatContext, packet.get()), "cannot write a packet");
    }
}

} // namespace capstan
