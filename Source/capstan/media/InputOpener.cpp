#include "InputOpener.h"

#include "Error.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

namespace capstan
{
namespace
{
int64_t nowNanoseconds()
{
    return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

std::string secondsText(double seconds)
{
    char text[32];
    std::snprintf(text, sizeof(text), "%.3g s", seconds);
    return text;
}

/** Text files are mostly printable ASCII or UTF-8, with line breaks and no NUL; media headers are not. */
bool looksLikeText(const std::string& path)
{
    std::FILE* file = std::fopen(path.c_str(), "rb");
    if (!file)
        return false;
    unsigned char bytes[512];
    const size_t count = std::fread(bytes, 1, sizeof(bytes), file);
    std::fclose(file);
    if (count == 0)
        return false;
    size_t printable = 0;
    for (size_t i = 0; i < count; ++i)
    {
        const unsigned char c = bytes[i];
        if (c == 0)
            return false;
        if (c >= 0x20 || c == '\n' || c == '\r' || c == '\t')
            ++printable;
    }
    return printable * 100 >= count * 95;
}
} // namespace

InputOpener::InputOpener(std::string sourceIn, double timeout) : source(std::move(sourceIn)), timeoutSeconds(timeout) {}

InputOpener::~InputOpener()
{
    if (fifoDescriptor >= 0)
        ::close(fifoDescriptor);
}

int InputOpener::interruptCallback(void* opaque)
{
    auto* self = static_cast<InputOpener*>(opaque);
    if (nowNanoseconds() <= self->deadline.load(std::memory_order_relaxed))
        return 0;
    self->timedOut.store(true, std::memory_order_relaxed);
    return 1;
}

std::string InputOpener::waitForFifo()
{
    struct stat info = {};
    if (::stat(source.c_str(), &info) != 0 || !S_ISFIFO(info.st_mode))
        return source;
    // A blocking open() of a FIFO waits for a writer and nothing can interrupt it: open without blocking and poll.
    fifoDescriptor = ::open(source.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fifoDescriptor < 0)
        return source; // FFmpeg's own open says why
    pollfd request{fifoDescriptor, POLLIN, 0};
    for (;;)
    {
        const int64_t left = deadline.load() == INT64_MAX ? -1 : (deadline.load() - nowNanoseconds()) / 1'000'000;
        if (deadline.load() != INT64_MAX && left <= 0)
            throw Error("cannot open '" + source + "': it is a named pipe (FIFO) and no program wrote to it within " +
                        secondsText(timeoutSeconds) +
                        "; start the program that writes into it first (or give MediaReader a longer open timeout, "
                        "0 to wait forever)");
        const int ready = ::poll(&request, 1, left < 0 ? 1000 : int(std::min<int64_t>(left, 1000)));
        if (ready > 0 && (request.revents & POLLIN))
            break;
        // POLLHUP stays set once a writer came and went: waiting longer would spin.
        if (ready > 0 && (request.revents & POLLHUP))
            throw Error("cannot open '" + source +
                        "': it is a named pipe (FIFO) and the program writing into it closed it without sending "
                        "anything");
    }
    // FFmpeg reads the descriptor as it is, blocking again; its pipe protocol does not close it (we do).
    ::fcntl(fifoDescriptor, F_SETFL, ::fcntl(fifoDescriptor, F_GETFL) & ~O_NONBLOCK);
    return "pipe:" + std::to_string(fifoDescriptor);
}

AVFormatContext* InputOpener::open(const AVInputFormat* format, const Options& options)
{
    // A regular file answers at once however big it is: the deadline is for FIFOs, devices and network sources.
    struct stat info = {};
    const bool regularFile = ::stat(source.c_str(), &info) == 0 && S_ISREG(info.st_mode);
    deadline = timeoutSeconds > 0 && !regularFile ? nowNanoseconds() + int64_t(timeoutSeconds * 1e9) : INT64_MAX;
    const std::string url = waitForFifo();

    ffmpeg::Dictionary dict;
    for (const auto& [key, value] : options)
        dict.set(key.c_str(), value.c_str());

    AVFormatContext* context = avformat_alloc_context();
    if (!context)
        throw Error("out of memory opening '" + source + "'");
    context->interrupt_callback = {&InputOpener::interruptCallback, this};
    // On failure avformat_open_input frees the context itself.
    if (const int result = avformat_open_input(&context, url.c_str(), format, dict.address()); result < 0)
        fail(result, "cannot open '" + source + "'");

    const auto release = [&context] { avformat_close_input(&context); };
    if (const AVDictionaryEntry* unused = av_dict_get(dict.get(), "", nullptr, AV_DICT_IGNORE_SUFFIX))
    {
        release();
        throw Error("option '" + std::string(unused->key) + "' is not known to the demuxer or protocol of '" + source +
                    "'");
    }
    if (const int result = avformat_find_stream_info(context, nullptr); result < 0)
    {
        release();
        fail(result, "cannot read the streams of '" + source + "'");
    }
    context->interrupt_callback = {nullptr, nullptr};
    return context;
}

void InputOpener::fail(int errorCode, const std::string& what) const
{
    const std::string ffmpegWords = describeFfmpegFailure(errorCode);
    if (timedOut.load(std::memory_order_relaxed))
        throw Error(what + ": nothing arrived within " + secondsText(timeoutSeconds) +
                        " (the open timeout); is the source reachable and sending? (FFmpeg: " + ffmpegWords + ")",
                    errorCode);
    const std::string sentence = explain(source, errorCode);
    if (sentence.empty())
        throw Error(what + ": " + ffmpegWords, errorCode);
    throw Error(what + ": " + sentence + " (FFmpeg: " + ffmpegWords + ")", errorCode);
}

std::string InputOpener::explain(const std::string& path, int errorCode)
{
    struct stat info = {};
    if (::stat(path.c_str(), &info) != 0 || !S_ISREG(info.st_mode))
        return {};
    const auto size = static_cast<long long>(info.st_size);
    if (size == 0)
        return "it is empty (0 bytes); there is nothing to read";
    if (errorCode == AVERROR_EOF)
        return "it ends after " + std::to_string(size) +
               " bytes, before its header is complete: the file is truncated (or still being written)";
    // Some demuxers report a header cut short as an I/O error; on a big file it may be a real one.
    if (errorCode == AVERROR(EIO) && size < 4096)
        return "it holds only " + std::to_string(size) +
               " bytes, too few for its header: the file is truncated (or still being written)";
    if (errorCode == AVERROR_INVALIDDATA)
    {
        if (looksLikeText(path))
            return "it is not a media file FFmpeg can read (it looks like text)";
        return "its first bytes match no format FFmpeg reads (`ffmpeg -demuxers` lists them; a raw stream needs its "
               "format named)";
    }
    return {};
}

} // namespace capstan
