#pragma once

#include "FfmpegHandles.h"
#include "StreamConfig.h"

#include <atomic>
#include <cstdint>
#include <string>

namespace capstan
{

/** Opens MediaReader's input within a bounded time and says in Capstan's words why it could not.

    FFmpeg alone waits forever for a named pipe (FIFO) that nobody writes, and answers an empty file, a text file
    or a truncated header with "Invalid data found when processing input" or "End of file". Here a FIFO is waited
    for (poll) at most `timeoutSeconds`, the open and the stream probing are bounded by FFmpeg's interrupt callback,
    and each failure names the source, what was wrong and what is accepted. */
class InputOpener
{
public:
    /** `timeoutSeconds`: how long to wait for a FIFO's writer and for the open and probe of any source to make
        progress; 0 waits forever. */
    InputOpener(std::string source, double timeoutSeconds);
    /** Closes the FIFO descriptor handed to FFmpeg, if any: keep the opener alive as long as the context. */
    ~InputOpener();

    InputOpener(const InputOpener&) = delete;
    InputOpener& operator=(const InputOpener&) = delete;

    /** avformat_open_input + avformat_find_stream_info. Throws capstan::Error on failure; every option must be
        used. The returned context no longer refers to this object's interrupt callback. */
    AVFormatContext* open(const AVInputFormat* format, const Options& options);

    /** Capstan's sentence for an FFmpeg failure to open `source`, e.g. "it is empty (0 bytes)"; empty when there
        is nothing to add to FFmpeg's own words. */
    static std::string explain(const std::string& source, int errorCode);

private:
    /** For a FIFO: waits (at most the timeout) until a writer has sent data, then returns "pipe:<fd>" for FFmpeg,
        which reads the descriptor without blocking in open(). Any other source is returned as it is. */
    std::string waitForFifo();
    static int interruptCallback(void* opaque);
    [[noreturn]] void fail(int errorCode, const std::string& what) const;

    std::string source;
    double timeoutSeconds;
    int fifoDescriptor = -1;
    std::atomic<int64_t> deadline{INT64_MAX}; ///< steady_clock nanoseconds
    std::atomic<bool> timedOut{false};
};

} // namespace capstan
