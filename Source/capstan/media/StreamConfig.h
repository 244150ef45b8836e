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

/** Common encoder settings, as torchaudio's CodecConfig. Negative (or unset) values keep the encoder's default. */
struct CodecConfig
{
    int64_t bitRate = -1;      ///< bits per second
    int compressionLevel = -1; ///< e.g. FLAC 0..12
    std::optional<int> qscale; ///< fixed quality (e.g. libmp3lame 0 best .. 9), sets AV_CODEC_FLAG_QSCALE
    int gopSize = -1;          ///< video: frames between key frames
    int maxBFrames = -1;       ///< video: consecutive B-frames
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
};

struct VideoStreamConfig
{
    Rational frameRate; ///< frames per second of the frames you write (exact ratio)
    int width = 0;
    int height = 0;
    PixelFormat format = PixelFormat::rgb24; ///< layout of the frames you write, tightly packed

    std::string encoder;       ///< e.g. "libx264", "png"; default: the muxer's default
    std::string encoderFormat; ///< pixel format fed to the encoder (any FFmpeg name); default: format if supported
    Rational encoderFrameRate; ///< frame-rate conversion (fps filter); default: frameRate
    int encoderWidth = 0;      ///< scaling with libswscale; default: width
    int encoderHeight = 0;
    Options encoderOptions; ///< private encoder options, e.g. {"preset", "veryfast"}, {"crf", "18"}
    CodecConfig codecConfig;
    std::string filterDesc; ///< libavfilter description applied before encoding, e.g. "hflip"
    Metadata metadata;
};

} // namespace capstan
