#pragma once

#include "MediaReader.h"
#include "StreamConfig.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace capstan
{

/** Copies streams from one container into another without decoding them (ffmpeg's `-c copy`): packets are
    remuxed as they are, so the output is bit-exact and costs almost no CPU.

    Cuts fall on packets, not samples: an audio copy starts with the packet that holds `start`, a video copy with
    the key frame at or before it (a copy cannot begin between key frames), and both keep their distance in time.

    @code
    capstan::Remuxer remuxer("in.mkv");
    remuxer.open("out.mp4", "", {remuxer.bestAudioStream(), remuxer.bestVideoStream()});
    while (remuxer.copyNext())
        ;
    remuxer.close();
    @endcode */
class Remuxer
{
public:
    /** Opens `input` (path or URL; "-" is standard input); `inputFormat` forces a demuxer. */
    explicit Remuxer(const std::string& input, const std::string& inputFormat = {});
    ~Remuxer();

    Remuxer(const Remuxer&) = delete;
    Remuxer& operator=(const Remuxer&) = delete;

    const std::vector<MediaStreamInfo>& streams() const;
    int bestAudioStream() const;
    int bestVideoStream() const;
    /** Seconds, when the container knows it. */
    std::optional<double> duration() const;

    /** What to copy and where. */
    struct Request
    {
        std::string output;       ///< path or URL; "-" is standard output (needs `format`)
        std::string format;       ///< muxer; default from the URL scheme or the extension
        std::vector<int> streams; ///< input stream indexes, in output order
        double start = 0;         ///< seconds from the input's start
        std::optional<double> end;
        Options formatOptions; ///< to the protocol and the muxer; an unknown one is an error
        Metadata metadata;
    };

    /** Opens the output and writes its header. Throws capstan::Error naming a stream the output format cannot
        carry (e.g. FLAC into mp3), an unknown option, or a destination that cannot be opened. */
    void open(const Request& request);

    /** Copies the next packet; false once every stream has reached `end` or the input's end. */
    bool copyNext();

    /** Seconds of output written so far (the latest packet's end). */
    double position() const;
    int64_t bytesWritten() const;
    int64_t packetsCopied() const;

    /** Writes the trailer (mp4's index, matroska's cues) and closes the output. */
    void close();

private:
    class Impl;
    std::unique_ptr<Impl> impl;
};

} // namespace capstan
