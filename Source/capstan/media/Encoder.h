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

    /** Bit rate, compression level, qscale, GOP, B-frames: only the values that are set. Checks them first
        (checkConfig): a value out of range is a RangeError, never clamped. */
    void applyConfig(const CodecConfig& config);

    /** Throws RangeError naming the accepted range when a value of `config` is out of range (see Limits.h and the
        per-encoder qscale and compression-level ranges in Encoder.cpp). -1 (unset) is always accepted.
        `codec` may be nullptr and `type` AVMEDIA_TYPE_UNKNOWN: then only what holds for every encoder is checked,
        as a binding does when a CodecConfig is made. */
    static void checkConfig(const CodecConfig& config, const AVCodec* codec, AVMediaType type);

    /** The codecs `format` can hold among the `type` encoders of this FFmpeg build, common ones first, for messages
        such as "mp4 takes aac, alac, flac, opus, mp3...". Empty when the muxer does not say. */
    static std::string codecsTakenBy(const AVOutputFormat* format, AVMediaType type, size_t maxNames = 10);

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
    std::string codecName;
    bool drained = false;
};

} // namespace capstan
