#pragma once

#include "ByteSink.h"
#include "Chapters.h"
#include "Error.h"
#include "Formats.h"
#include "SampleRepair.h"
#include "StreamConfig.h"

#include <memory>
#include <optional>
#include <span>
#include <string>

namespace capstan
{

/** A view of audio samples as the caller holds them: one plane (interleaved) or one plane per channel (planar). */
struct AudioData
{
    SampleFormat format = SampleFormat::flt; ///< what the caller's data is; must match the stream's format
    const void* const* planes = nullptr;
    int numPlanes = 0;
    int64_t numFrames = 0; ///< samples per channel
};

/** What an opened stream really encodes with (after defaults and negotiation). */
struct StreamInfo
{
    bool isAudio = true;
    std::string encoder; ///< e.g. "libmp3lame"
    std::string codec;   ///< e.g. "mp3"
    int64_t bitRate = 0;
    Rational timeBase; ///< the encoder's time base
    // audio
    int sampleRate = 0;
    int numChannels = 0;
    std::string channelLayout;
    std::string sampleFormat; ///< encoder's sample format name
    int frameSize = 0;        ///< samples per encoder frame (every frame but the last has exactly this many)
    // video
    int width = 0;
    int height = 0;
    std::string pixelFormat;
    Rational frameRate;
};

/** Encodes audio and video chunks into any FFmpeg container and destination.

    Typical use:
    @code
    capstan::StreamWriter writer("take.flac");
    const int audio = writer.addAudioStream({.sampleRate = 48000, .numChannels = 2, .format = SampleFormat::flt});
    writer.open();
    writer.writeAudioChunk(audio, std::span<const float>(samples)); // interleaved, any length, as often as needed
    writer.close();
    @endcode

    Output is byte-identical however the input is chunked: audio is converted (libswresample), then re-chunked so
    that the encoder receives exactly its frame size on every frame but the last. Only close() ends the streams.

    Errors are capstan::Error. A writer is used from one thread at a time. */
class StreamWriter
{
public:
    /** Writes to a file path or any URL FFmpeg's protocols take (rtmp://, udp://, srt://, file:, pipe:). "-" is
        standard output. `format` names the muxer ("mp4", "flac", "wav", "ogg"...) or an output device ("alsa",
        "pulse", "sdl"...; the destination is then the device name); by default it comes from a network URL's scheme
        (rtmp: "flv"; srt, udp, tcp: "mpegts") or else the destination's extension (".m3u8": "hls", which writes
        the playlist and its segment files beside it). Network URLs get a 10 s I/O timeout (setIoTimeout). */
    explicit StreamWriter(const std::string& destination, const std::string& format = {});

    /** Writes into a custom sink. `format` is required because there is no file name to guess it from.
        The sink must outlive the writer. `bufferSize` is the AVIO buffer in bytes, 1 .. 64 MiB. */
    StreamWriter(ByteSink& sink, const std::string& format, int bufferSize = 4096);

    /** Closes the writer if still open (errors are swallowed: call close() yourself to see them). */
    ~StreamWriter();

    StreamWriter(StreamWriter&&) noexcept;
    StreamWriter& operator=(StreamWriter&&) noexcept;
    StreamWriter(const StreamWriter&) = delete;
    StreamWriter& operator=(const StreamWriter&) = delete;

    /** Adds an audio stream (before open()); returns its index. Validates the whole configuration at once. */
    int addAudioStream(const AudioStreamConfig& config);

    /** Adds a video stream (before open()); returns its index. */
    int addVideoStream(const VideoStreamConfig& config);

    /** Container metadata (title, artist, comment...). Before open(). */
    void setMetadata(const Metadata& metadata);

    /** Opens the destination and writes the header. `options` go to the protocol and the muxer (e.g.
        {"movflags", "+faststart"}, {"timeout", "5000000"}); a key neither knows is an error. */
    void open(const Options& options = {});

    bool isOpen() const;

    /** Bounds every blocking I/O wait of open(), the writes, flush() and close(): FFmpeg gives up (and the call
        throws, naming the timeout) when one call makes no progress for this long. 0 waits forever (the default
        for files); network URLs default to 10 s. Protocol options such as rw_timeout or timeout also apply. */
    void setIoTimeout(double seconds);
    double ioTimeout() const;

    /** Any thread: ends the current blocking I/O wait and makes every later one fail at once, e.g. to stop a
        writer stuck on a dead server. close() still frees everything (what it writes then fails). */
    void interrupt() noexcept;

    /** Writes audio samples. `pts`: presentation time of the chunk's first sample in seconds; a pts later than
        the end of what was written so far inserts silence up to it, an earlier one is an error. */
    void writeAudioChunk(int stream, const AudioData& data, std::optional<double> pts = {});

    /** Interleaved samples: `samples.size()` must be a multiple of the stream's channel count. */
    template <typename T>
    void writeAudioChunk(int stream, std::span<const T> samples, std::optional<double> pts = {})
    {
        const void* plane = samples.data();
        writeAudioChunk(stream, AudioData{interleavedFormatOf<T>(), &plane, 1, framesOf(stream, samples.size())}, pts);
    }

    /** Planar samples: one pointer per channel, each holding `numFrames` samples. */
    template <typename T>
    void writeAudioChunk(int stream, std::span<const T* const> channels, int64_t numFrames,
                         std::optional<double> pts = {})
    {
        writeAudioChunk(stream,
                        AudioData{toPlanar(interleavedFormatOf<T>()),
                                  reinterpret_cast<const void* const*>(channels.data()),
                                  static_cast<int>(channels.size()), numFrames},
                        pts);
    }

    /** Writes whole video frames, tightly packed one after another in the stream's pixel format. `pts`: the first
        frame's time in seconds (the rest follow at the frame rate); by default right after the previous frame. */
    void writeVideoChunk(int stream, std::span<const uint8_t> frames, std::optional<double> pts = {});

    /** Writes whole video frames with one presentation time (seconds) per frame, strictly increasing. */
    void writeVideoChunk(int stream, std::span<const uint8_t> frames, std::span<const double> framePts);

    /** Adds a chapter at any time before close(); all of them reach the muxer at close(). Containers with chapters
        (matroska on a seekable destination, mp4/mov) write them; others, and fragmented mp4 (its index comes
        first), ignore them. mp4 stores only start times: give it a list that covers the timeline. */
    void addChapter(const Chapter& chapter);

    /** Pushes buffered bytes to the destination (I/O flush). Never ends a stream: writing may go on. */
    void flush();

    /** Drains the encoders, writes the trailer and closes the destination. Safe to call twice. */
    void close();

    int numStreams() const;
    /** What a stream really encodes with; complete after open(). */
    StreamInfo streamInfo(int stream) const;
    /** What the writer repaired in an audio stream so far: NaN and infinities written as silence, magnitudes beyond
        what the encoder survives (+60 dBFS; float PCM keeps them) clipped. Positions are on the stream's input
        clock. Any value may be written: none aborts the process or ends the stream. */
    const SampleRepairs& sampleRepairs(int stream) const;
    /** Bytes handed to the destination so far. */
    int64_t bytesWritten() const;
    /** The muxer's name, e.g. "mp4". */
    std::string formatName() const;

private:
    template <typename T>
    static constexpr SampleFormat interleavedFormatOf()
    {
        if constexpr (std::is_same_v<T, uint8_t>)
            return SampleFormat::u8;
        else if constexpr (std::is_same_v<T, int16_t>)
            return SampleFormat::s16;
        else if constexpr (std::is_same_v<T, int32_t>)
            return SampleFormat::s32;
        else if constexpr (std::is_same_v<T, int64_t>)
            return SampleFormat::s64;
        else if constexpr (std::is_same_v<T, float>)
            return SampleFormat::flt;
        else
        {
            static_assert(std::is_same_v<T, double>,
                          "samples must be uint8_t, int16_t, int32_t, int64_t, float or double");
            return SampleFormat::dbl;
        }
    }

    int64_t framesOf(int stream, size_t numSamples) const;

    class Impl;
    std::unique_ptr<Impl> impl;
};

} // namespace capstan
