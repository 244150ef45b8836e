#pragma once

#include <stdexcept>
#include <string>

namespace capstan
{

/** The one exception type Capstan throws. Its message names what was wrong and, where it helps, what is accepted;
    when FFmpeg reported the failure, its error code and text are kept too. */
class Error : public std::runtime_error
{
public:
    explicit Error(const std::string& message, int ffmpegErrorCode = 0);

    /** FFmpeg's (negative) AVERROR code, or 0 when the error was detected by Capstan itself. */
    int ffmpegErrorCode() const noexcept { return errorCode; }

private:
    int errorCode;
};

/** A number outside its accepted range (a bit rate, a frame rate, a size...). The message names the value and the
    range; nothing is ever clamped silently. Bindings map it to their "bad value" error (Python: ValueError). */
class RangeError : public Error
{
public:
    using Error::Error;
};

/** FFmpeg's text for an AVERROR code, e.g. "No such file or directory". */
std::string ffmpegErrorText(int errorCode);

/** FFmpeg's text for a failure that just happened on this thread, with the line it logged about it when there is one:
    "Invalid argument (FFmpeg: [libopus @ 0x..] Specified sample rate 44100 is not supported)". */
std::string describeFfmpegFailure(int errorCode);

/** Throws Error("<context>: <FFmpeg's text>") when an FFmpeg call returned a negative code; returns it otherwise. */
int checkFfmpeg(int result, const std::string& context);

} // namespace capstan
