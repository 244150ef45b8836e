#include "LegacySliceEncoder.h"

#include <capstan/media/Error.h>
#include <capstan/media/FfmpegHandles.h>

#include <algorithm>
#include <cstring>
#include <fstream>

#include <dlfcn.h>

extern "C"
{
#include <libavutil/channel_layout.h>
#include <libavutil/opt.h>
}

namespace capstan
{

namespace
{
struct FormatContextDeleter
{
    void operator()(AVFormatContext* context) const
    {
        if (context != nullptr && context->pb != nullptr)
            avio_closep(&context->pb);
        avformat_free_context(context);
    }
};
using FormatContextPtr = std::unique_ptr<AVFormatContext, FormatContextDeleter>;

ffmpeg::CodecContextPtr openEncoder(const std::string& name, int sampleRate, int64_t bitRate, int flags = 0)
{
    const AVCodec* codec = avcodec_find_encoder_by_name(name.c_str());
    if (codec == nullptr)
        throw Error("slicing study: this FFmpeg has no encoder '" + name + "'");
    ffmpeg::CodecContextPtr context(avcodec_alloc_context3(codec));
    context->sample_rate = sampleRate;
    av_channel_layout_default(&context->ch_layout, 1);
    context->bit_rate = bitRate;
    context->time_base = {1, sampleRate};
    context->flags |= flags;
    context->sample_fmt = AV_SAMPLE_FMT_FLTP;
    bool takesFltp = false;
    for (const AVSampleFormat* f = codec->sample_fmts; f != nullptr && *f != AV_SAMPLE_FMT_NONE; ++f)
        takesFltp = takesFltp || *f == AV_SAMPLE_FMT_FLTP;
    if (!takesFltp)
        context->sample_fmt = AV_SAMPLE_FMT_FLT; // mono: the same bytes
    checkFfmpeg(avcodec_open2(context.get(), codec, nullptr), "slicing study: opening " + name);
    return context;
}

/** The LAME calls FFmpeg's libmp3lame wrapper makes, resolved from the system library at run time (no build-time
    dependency on LAME's headers). */
class Lame
{
public:
    Lame()
    {
        library = dlopen("libmp3lame.so.0", RTLD_NOW | RTLD_LOCAL);
        if (library == nullptr)
            throw Error("slicing study: cannot load LAME (libmp3lame.so.0) for the legacy libmp3lame path");
        resolve(init, "lame_init");
        resolve(setInSampleRate, "lame_set_in_samplerate");
        resolve(setNumChannels, "lame_set_num_channels");
        resolve(setMode, "lame_set_mode");
        resolve(setBitRate, "lame_set_brate");
        resolve(setWriteVbrTag, "lame_set_bWriteVbrTag");
        resolve(initParams, "lame_init_params");
        resolve(encodeFloat, "lame_encode_buffer_ieee_float");
        resolve(flush, "lame_encode_flush");
        resolve(close, "lame_close");
    }
    ~Lame() { dlclose(library); }

    void* (*init)() = nullptr;
    int (*setInSampleRate)(void*, int) = nullptr;
    int (*setNumChannels)(void*, int) = nullptr;
    int (*setMode)(void*, int) = nullptr;
    int (*setBitRate)(void*, int) = nullptr;
    int (*setWriteVbrTag)(void*, int) = nullptr;
    int (*initParams)(void*) = nullptr;
    int (*encodeFloat)(void*, const float*, const float*, int, unsigned char*, int) = nullptr;
    int (*flush)(void*, unsigned char*, int) = nullptr;
    int (*close)(void*) = nullptr;

private:
    template <typename Function>
    void resolve(Function& function, const char* name)
    {
        function = reinterpret_cast<Function>(dlsym(library, name));
        if (function == nullptr)
            throw Error(std::string("slicing study: LAME has no function ") + name);
    }
    void* library = nullptr;
};

void encodeWithLame(std::span<const float> samples, int sampleRate, int64_t bitRate, int64_t sliceSize,
                    const std::filesystem::path& file)
{
    Lame lame;
    void* flags = lame.init();
    if (flags == nullptr)
        throw Error("slicing study: lame_init failed");
    constexpr int mono = 3; // LAME's MPEG_mode MONO
    lame.setInSampleRate(flags, sampleRate);
    lame.setNumChannels(flags, 1);
    lame.setMode(flags, mono);
    lame.setBitRate(flags, int(bitRate / 1000));
    lame.setWriteVbrTag(flags, 0); // a raw CBR stream, as FFmpeg's wrapper produces
    if (lame.initParams(flags) < 0)
    {
        lame.close(flags);
        throw Error("slicing study: LAME rejected " + std::to_string(sampleRate) + " Hz mono at " +
                    std::to_string(bitRate) + " b/s");
    }
    std::ofstream out(file, std::ios::binary);
    std::vector<unsigned char> buffer;
    const int64_t slice = sliceSize > 0 ? sliceSize : int64_t(samples.size());
    for (int64_t start = 0; start < int64_t(samples.size()); start += slice)
    {
        const int count = int(std::min<int64_t>(slice, int64_t(samples.size()) - start));
        buffer.resize(size_t(count) * 5 / 4 + 7200); // LAME's documented worst case
        const float* data = samples.data() + start;
        const int written = lame.encodeFloat(flags, data, data, count, buffer.data(), int(buffer.size()));
        if (written < 0)
        {
            lame.close(flags);
            throw Error("slicing study: LAME failed to encode (" + std::to_string(written) + ")");
        }
        out.write(reinterpret_cast<const char*>(buffer.data()), written);
    }
    buffer.resize(7200);
    const int written = lame.flush(flags, buffer.data(), int(buffer.size()));
    if (written > 0)
        out.write(reinterpret_cast<const char*>(buffer.data()), written);
    lame.close(flags);
    if (!out)
        throw Error("slicing study: cannot write '" + file.string() + "'");
}

/** Zero-fills each slice's short last frame and muxes what the encoder makes (mp4 for aac, ogg for libopus). */
void encodeWithZeroFill(const std::string& encoder, std::span<const float> samples, int sampleRate, int64_t bitRate,
                        int64_t sliceSize, const std::filesystem::path& file)
{
    auto codec = openEncoder(encoder, sampleRate, bitRate);
    const int frameSize = codec->frame_size;

    AVFormatContext* rawFormat = nullptr;
    checkFfmpeg(
        avformat_alloc_output_context2(&rawFormat, nullptr, encoder == "aac" ? "mp4" : "ogg", file.string().c_str()),
        "slicing study: output " + file.string());
    FormatContextPtr format(rawFormat);
    AVStream* stream = avformat_new_stream(format.get(), nullptr);
    checkFfmpeg(avcodec_parameters_from_context(stream->codecpar, codec.get()), "slicing study: stream parameters");
    stream->time_base = codec->time_base;
    checkFfmpeg(avio_open(&format->pb, file.string().c_str(), AVIO_FLAG_WRITE),
                "slicing study: opening '" + file.string() + "'");
    AVDictionary* options = nullptr;
    av_dict_set(&options, "fflags", "+bitexact", 0); // reproducible bytes (no random ogg serial)
    const int headerResult = avformat_write_header(format.get(), &options);
    av_dict_free(&options);
    checkFfmpeg(headerResult, "slicing study: writing the header of '" + file.string() + "'");

    ffmpeg::FramePtr frame(av_frame_alloc());
    ffmpeg::PacketPtr packet(av_packet_alloc());
    int64_t pts = 0;
    const auto drain = [&](bool final)
    {
        while (true)
        {
            const int result = avcodec_receive_packet(codec.get(), packet.get());
            if (result == AVERROR(EAGAIN) || (final && result == AVERROR_EOF))
                return;
            checkFfmpeg(result, "slicing study: encoding with " + encoder);
            av_packet_rescale_ts(packet.get(), codec->time_base, stream->time_base);
            packet->stream_index = stream->index;
            checkFfmpeg(av_interleaved_write_frame(format.get(), packet.get()), "slicing study: writing a packet");
        }
    };
    const auto send = [&](const float* data, int count)
    {
        frame->nb_samples = frameSize;
        frame->format = codec->sample_fmt;
        checkFfmpeg(av_channel_layout_copy(&frame->ch_layout, &codec->ch_layout), "slicing study: layout");
        checkFfmpeg(av_frame_get_buffer(frame.get(), 0), "slicing study: frame buffer");
        auto* dest = reinterpret_cast<float*>(frame->data[0]);
        std::copy(data, data + count, dest);
        std::fill(dest + count, dest + frameSize, 0.0f); // the legacy zero fill
        frame->pts = pts;
        pts += frameSize; // the padded frame really is frameSize samples of the stream
        checkFfmpeg(avcodec_send_frame(codec.get(), frame.get()), "slicing study: sending a frame to " + encoder);
        av_frame_unref(frame.get());
        drain(false);
    };

    const int64_t total = int64_t(samples.size());
    const int64_t slice = sliceSize > 0 ? sliceSize : total;
    for (int64_t start = 0; start < total; start += slice)
    {
        const int64_t end = std::min(total, start + slice);
        for (int64_t position = start; position < end; position += frameSize)
            send(samples.data() + position, int(std::min<int64_t>(frameSize, end - position)));
    }
    checkFfmpeg(avcodec_send_frame(codec.get(), nullptr), "slicing study: draining " + encoder);
    drain(true);
    checkFfmpeg(av_write_trailer(format.get()), "slicing study: writing the trailer");
}
} // namespace

bool LegacySliceEncoder::zeroFills(const std::string& encoder)
{
    return encoder == "aac" || encoder == "libopus";
}

int LegacySliceEncoder::frameSizeOf(const std::string& encoder, int sampleRate, int64_t bitRate)
{
    return openEncoder(encoder, sampleRate, bitRate)->frame_size;
}

void LegacySliceEncoder::encode(const std::string& encoder, std::span<const float> samples, int sampleRate,
                                int64_t bitRate, int64_t sliceSize, const std::filesystem::path& file)
{
    if (encoder == "libmp3lame")
        encodeWithLame(samples, sampleRate, bitRate, sliceSize, file);
    else if (zeroFills(encoder))
        encodeWithZeroFill(encoder, samples, sampleRate, bitRate, sliceSize, file);
    else
        throw Error("slicing study: no legacy model for encoder '" + encoder +
                    "'; accepted: aac, libopus (zero fill), libmp3lame (LAME's own buffer)");
}

LegacySliceEncoder::Layout LegacySliceEncoder::layoutFor(const std::string& encoder, int64_t numSamples,
                                                         int64_t sliceSize, int frameSize)
{
    Layout layout;
    layout.position.resize(size_t(numSamples));
    const int64_t slice = sliceSize > 0 ? sliceSize : numSamples;
    int64_t streamPosition = 0;
    for (int64_t start = 0; start < numSamples; start += slice)
    {
        const int64_t count = std::min(slice, numSamples - start);
        for (int64_t i = 0; i < count; ++i)
            layout.position[size_t(start + i)] = streamPosition + i;
        streamPosition += count;
        const int64_t remainder = count % frameSize;
        const bool lastWrite = start + count >= numSamples;
        // The encoder pads the very last frame of the stream in any case; only earlier fills are gaps.
        if (zeroFills(encoder) && remainder != 0 && !lastWrite)
        {
            ++layout.gapCount;
            layout.gapSamples += frameSize - remainder;
            streamPosition += frameSize - remainder;
        }
    }
    return layout;
}

} // namespace capstan
