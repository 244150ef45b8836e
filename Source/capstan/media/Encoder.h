#pragma once

#include "FfmpegHandles.h"
#include "StreamConfig.h"

#include <string>

namespace capstan
{

/** One encoder and the muxer stream it feeds: configures and opens the codec, then turns frames into packets and
    hands them to the muxer's interleaver with timestamps in the stream's time base. */
class Encoder
{
public:
    /** Finds the encoder by name, or the muxer's default for `type` (guessed from the destination like the ffmpeg
        CLI does). Throws when it is unknown or of the wrong kind; whether the container can hold it is the muxer's
        call, at open(). */
    static const AVCodec* find(const std::string& name, AVMediaType type, const AVOutputFormat* format,
                               const std::string& destination);

    Encoder(AVFormatContext* format, const AVCodec* codec);

    AVCodecContext* context() const { return codecContext.get(); }
    const AVCodec* codec() const { return codecContext->codec; }
    AVStream* stream() const { return muxerStream; }
    std::string name() const;

    /** Bit rate, compression level, qscale, GOP, B-frames: only the values that are set. */
    void applyConfig(const CodecConfig& config);

    /** Opens the encoder with `options`, creates the muxer stream and copies the parameters to it. Every option
        must be used by the encoder. libx264 runs its AVX2 code on AVX-512 machines (see Encoder.cpp). */
    void open(const Options& options, const Metadata& metadata);

    /** Sends one frame (nullptr drains the encoder) and writes every packet it yields to the muxer. */
    void encode(AVFrame* frame);

private:
    AVFormatContext* formatContext;
    ffmpeg::CodecContextPtr codecContext;
    AVStream* muxerStream = nullptr;
    ffmpeg::PacketPtr packet;
    bool drained = false;
};

} // namespace capstan
