#pragma once

#include "Formats.h"

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace capstan
{

/** Ordered key/value pairs handed to FFmpeg (encoder, muxer or protocol options). Every key must be used by the
    object it is given to; an unknown key is an error, never silently ignored. */
using Options = std::vector<std::pair<std::string, std::string>>;

/** Container or stream metadata (title, artist, language, ...). */
using Metadata = std::vector<std::pair<std::string, std::string>>;

/** Common encoder settings, as torchaudio's CodecConfig. -1 (or an empty qscale) keeps the encoder's default;
    any other value out of its range is refused with a RangeError naming the range (Limits.h), never clamped. The
    ranges are checked when the stream is added, per encoder where FFmpeg's encoder has its own. */
struct CodecConfig
{
    int64_t bitRate = -1;      ///< bits per second: audio 1000 .. 10'000'000, video 1000 .. 1'000'000'000
    int compressionLevel = -1; ///< flac 0..12, libopus 0..10, libmp3lame 0..9, png 0..9, alac 0..2; others 0..100
    std::optional<int> qscale; ///< fixed quality, sets AV_CODEC_FLAG_QSCALE: libmp3lame 0 (best) .. 9, libvorbis
                               ///< -1 .. 10, libtheora 0 .. 10, mpeg1/2/4, mjpeg, h263 1 .. 31; others 0 .. 255
    int gopSize = -1;          ///< video only: frames between key frames, 0 .. 100000
    int maxBFrames = -1;       ///< video only: consecutive B-frames, 0 .. 16
};

struct AudioStreamConfig
{
    int sampleRate = 0;        ///< samples per second per channel of the data you write
    int numChannels = 0;       ///< channels of the data you write
    std::string channelLayout; ///< optional, e.g. "stereo", "5.1"; default: FFmpeg's default for numChannels
    SampleFormat format = SampleFormat::flt; ///< element type and layout of the data you write

    std::string encoder;        ///< e.g. "flac", "libmp3lame"; default: the muxer's default (PCM matched to format)
    std::string encoderFormat;  ///< sample format fed to the encoder, e.g. "s16"; default: format if supported
    int encoderSampleRate = 0;  ///< resample with libswresample; default: sampleRate if supported
    int encoderNumChannels = 0; ///< remix with libswresample; default: numChannels if supported
    Options encoderOptions;     ///< private encoder options, e.g. {"vbr", "on"}
    CodecConfig codecConfig;
    std::string filterDesc; ///< libavfilter description applied before encoding, e.g. "volume=0.5"
    Metadata metadata;
    /** Bits of real precision in the data you write when it is less than `format` holds (24 for 24-bit audio in
        s32 samples, as FFmpeg decodes it), 0 when all of them are. A PCM container's default codec then stores
        that many (pcm_s24le in wav), so a 24-bit source stays a 24-bit file. */
    int bitsPerSample = 0;
};

struct VideoStreamConfig
{
    Rational frameRate; ///< frames per second of the frames you write (exact ratio), 1/3600 .. 1000
    int width = 0;      ///< 1 .. 16384, a multiple of the pixel format's chroma subsampling (2 for yuv420p, nv12)
    int height = 0;     ///< as width
    PixelFormat format = PixelFormat::rgb24; ///< layout of the frames you write, tightly packed

    std::string encoder;       ///< e.g. "libx264", "png"; default: the muxer's default
    std::string encoderFormat; ///< pixel format fed to the encoder (any FFmpeg name); default: format if supported
    Rational encoderFrameRate; ///< frame-rate conversion (fps filter), 1/3600 .. 1000; default: frameRate
    int encoderWidth = 0;      ///< scaling with libswscale, 1 .. 16384; default: width
    int encoderHeight = 0;
    Options encoderOptions; ///< private encoder options, e.g. {"preset", "veryfast"}, {"crf", "18"}
    CodecConfig codecConfig;
    std::string filterDesc; ///< libavfilter description applied before encoding, e.g. "hflip"
    Metadata metadata;
    /** Declares square pixels (1:1, an mp4 'pasp' box). false leaves the aspect ratio unset, as torchaudio did
        (the Python module does that, so a migrating user's files come out the same). */
    bool squarePixels = true;
};

} // namespace capstan
