#include "Encoder.h"

#include "Error.h"

extern "C"
{
#include <libavutil/cpu.h>
#include <libavutil/opt.h>
}

#include <algorithm>

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
    : formatContext(format), codecContext(avcodec_alloc_context3(codec)), packet(ffmpeg::allocPacket())
{
    if (!codecContext)
        throw Error("out of memory allocating an encoder context");
    if (formatContext->oformat->flags & AVFMT_GLOBALHEADER)
        codecContext->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;
}

std::string Encoder::name() const
{
    return codecContext->codec->name;
}

void Encoder::applyConfig(const CodecConfig& config)
{
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
