#pragma once

#include <capstan/media/MediaReader.h>
#include <capstan/media/StreamWriter.h>

#include <optional>
#include <string>
#include <utility>

namespace capstan::cli
{

/** The decoder's own sample format: StreamWriter takes all twelve FFmpeg basic formats. */
SampleFormat audioFormatFor(const MediaStreamInfo& info);

/** The decoder's pixel format when StreamWriter takes it; otherwise the closest lossless-enough one. */
PixelFormat pixelFormatFor(const MediaStreamInfo& info);

/** Adds threads=auto unless the user chose, so capstan encodes with the same threading as the ffmpeg CLI. */
Options withAutoThreads(Options options);

/** The library names AudioStreamConfig's fields; a user of the CLI knows its options. */
std::string withOptionNames(std::string message);

/** Which kinds of stream the muxer for this destination can carry (both when it cannot be told). */
std::pair<bool, bool> muxerTakes(const std::string& output, const std::string& format);

/** When the audio encoder (by name, or the muxer's default when `encoder` is empty) cannot take `channels`, the
    count to remix to: stereo for a surround source where the encoder takes it, else the nearest count it takes
    (5.1 into MP3 → 2, mono into an encoder that takes only stereo → 2). Nothing when it takes them as they are, or
    when the encoder or muxer is unknown (StreamWriter then says why). */
std::optional<int> fittingChannelCount(const std::string& encoder, const std::string& output, const std::string& format,
                                       int channels);

/** Seconds that a cut from `start` to `end` keeps of an input lasting `duration` (when either end is known). */
std::optional<double> cutLength(std::optional<double> duration, double start, std::optional<double> end);

/** Which conversions the user asked for (an option or a filter): those are not news. */
struct ConversionsAsked
{
    bool sampleRate = false, channels = false, size = false, frameRate = false;
};

/** One stream of the end-of-command summary: "audio: flac 96000 Hz 5.1 s32 (24 bit) -> libmp3lame 48000 Hz
    stereo fltp 192 kb/s (resampled 96000 -> 48000 Hz, downmixed 5.1 -> stereo)". `converted` is set when the
    stream was resampled, remixed, scaled or its frame rate changed without being `asked`. */
std::string describeChoice(const MediaStreamInfo& source, const StreamInfo& written, const ConversionsAsked& asked,
                           bool& converted);

} // namespace capstan::cli
