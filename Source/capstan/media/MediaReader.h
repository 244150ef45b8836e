#pragma once

#include "Formats.h"
#include "StreamConfig.h"

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace capstan
{

/** What the container says about one of its streams. */
struct MediaStreamInfo
{
    enum class Kind
    {
        audio,
        video,
        other
    };

    int index = -1;
    Kind kind = Kind::other;
    std::string codec;              ///< decoder name, e.g. "mp3float", "h264"
    std::optional<double> duration; ///< seconds, when the container knows it
    int64_t numFrames = 0;          ///< frames (video) or packets the container declares; 0 when unknown
    // audio
    int sampleRate = 0;
    int numChannels = 0;
    std::string channelLayout; ///< e.g. "stereo", "5.1"; empty when the source does not say which channels
    std::string sampleFormat;  ///< the decoder's native sample format, e.g. "fltp"
    int bitsPerSample = 0;     ///< bits of real precision when the source says (24 for 24-bit audio in s32), else 0
    // video
    int width = 0;
    int height = 0;
    Rational frameRate;      ///< exact (e.g. 30000/1001), FFmpeg's best guess for the stream
    std::string pixelFormat; ///< the decoder's native pixel format, e.g. "yuv420p"

    bool isAudio() const { return kind == Kind::audio; }
    bool isVideo() const { return kind == Kind::video; }
};

/** A run of decoded audio samples in the format asked for: one plane (interleaved) or one plane per channel. */
struct AudioChunk
{
    SampleFormat format = SampleFormat::flt;
    int sampleRate = 0;
    int numChannels = 0;
    int64_t numFrames = 0; ///< samples per channel
    double pts = 0.0;      ///< seconds, time of the first sample
    std::vector<std::vector<uint8_t>> planes;

    /** Pointers to the planes, in the shape StreamWriter's AudioData takes. */
    std::vector<const void*> planePointers() const;
};

/** One decoded video frame, converted to the format asked for and tightly packed (alignment 1). */
struct VideoFrame
{
    PixelFormat format = PixelFormat::rgb24;
    int width = 0;
    int height = 0;
    double pts = 0.0; ///< seconds
    std::vector<uint8_t> data;
};

/** What the audio decoder's output is converted to (libswresample). Zeros keep the source's values. */
struct AudioReadSpec
{
    SampleFormat format = SampleFormat::flt;
    int sampleRate = 0;
    int numChannels = 0;
};

/** What video frames are converted to (libswscale). Zeros keep the source's size. */
struct VideoReadSpec
{
    PixelFormat format = PixelFormat::rgb24;
    int width = 0;
    int height = 0;
};

/** Decodes any file or URL FFmpeg can read: one audio and/or one video stream, converted to the formats Capstan
    writes. Pull model: readAudio() and readVideoFrame() each demux as far as they need; packets of the other
    selected stream met on the way are decoded and queued, so reading both in step by time stays cheap.

    @code
    capstan::MediaReader reader("in.mp4");
    reader.selectAudio(reader.bestAudioStream(), {.format = capstan::SampleFormat::flt});
    while (auto chunk = reader.readAudio(4096))
        use(*chunk);
    @endcode

    Errors are capstan::Error naming the source and carrying FFmpeg's message. */
class MediaReader
{
public:
    /** Opens `source` (path or URL); `format` forces a demuxer (e.g. "nut"), `options` go to the demuxer/protocol.
        `openTimeoutSeconds` bounds the wait for a named pipe's writer and for a network source to answer (0 waits
        forever); a regular file is never timed out. Failures say what was wrong: an empty file, text, a truncated
        header, a FIFO nobody writes. */
    explicit MediaReader(const std::string& source, const std::string& format = {}, const Options& options = {},
                         double openTimeoutSeconds = defaultOpenTimeoutSeconds);

    static constexpr double defaultOpenTimeoutSeconds = 10.0;
    ~MediaReader();

    MediaReader(MediaReader&&) noexcept;
    MediaReader& operator=(MediaReader&&) noexcept;
    MediaReader(const MediaReader&) = delete;
    MediaReader& operator=(const MediaReader&) = delete;

    const std::vector<MediaStreamInfo>& streams() const;
    /** Seconds, when the container knows it. */
    std::optional<double> duration() const;
    /** The demuxer's name, e.g. "wav". */
    std::string formatName() const;
    const std::string& source() const;

    /** FFmpeg's pick of the main audio/video stream, or -1 when there is none. */
    int bestAudioStream() const;
    int bestVideoStream() const;

    /** Chooses the audio stream to decode and what to convert it to. Before the first read. */
    void selectAudio(int stream, const AudioReadSpec& spec);
    /** Chooses the video stream to decode and what to convert it to. Before the first read. */
    void selectVideo(int stream, const VideoReadSpec& spec);

    /** While `*flag` is true, a read blocked in the demuxer or protocol (a camera that stopped delivering, a network
        source) returns with an error instead of waiting; null removes it. The flag must outlive the reads. Lets a
        capture thread stop promptly. */
    void setInterruptFlag(const std::atomic<bool>* flag);

    /** The next `maxFrames` samples per channel (fewer only at the end); std::nullopt once all were read. */
    std::optional<AudioChunk> readAudio(int64_t maxFrames);
    /** As above, into `chunk`, whose buffers are reused (no allocation per chunk in a loop); false at the end. */
    bool readAudio(int64_t maxFrames, AudioChunk& chunk);

    /** The next video frame; std::nullopt once all were read. */
    std::optional<VideoFrame> readVideoFrame();
    /** The next video frame into `frame`, whose old buffer is recycled for later frames (no allocation per frame
        in a loop); false once all were read. */
    bool readVideoFrame(VideoFrame& frame);
    /** The next video frame's pts without taking it (decodes as far as needed); std::nullopt at the end. */
    std::optional<double> peekVideoPts();

    /** Set once reading has reached the end of the input when the decoded media is shorter than the container
        declared (a truncated file: "the header says 3 s, 0.52 s present"). Reading such a file is not an error:
        everything present is delivered, and this says what is missing. */
    struct Truncation
    {
        double declaredSeconds = 0; ///< what the container's header says
        double presentSeconds = 0;  ///< what could be decoded
        std::string message;        ///< e.g. "'take.flac' is truncated: its header says 3 s, 0.52 s are present"
    };
    std::optional<Truncation> truncation() const;

    /** Convenience: decodes the best audio stream whole, in chunks of `framesPerChunk`, converted to `format`. */
    void readAudio(int64_t framesPerChunk, SampleFormat format, const std::function<void(const AudioChunk&)>& callback);

private:
    class Impl;
    std::unique_ptr<Impl> impl;
};

} // namespace capstan
