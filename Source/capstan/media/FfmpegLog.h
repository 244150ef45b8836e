#pragma once

#include <string>

namespace capstan
{

/** Keeps FFmpeg's last error-level log line per thread, so that a capstan::Error can say why FFmpeg failed
    ("Specified sample rate 44100 is not supported") and not only its code ("Invalid argument").
    install() chains a callback in front of FFmpeg's default one; output and av_log_set_level() work as before. */
class FfmpegLog
{
public:
    /** Installs the capturing callback once per process (idempotent, thread-safe). */
    static void install();

    /** The last error line FFmpeg logged on this thread since the previous call, then forgets it. */
    static std::string takeLastError();

    /** Sets FFmpeg's log level by name: quiet, panic, fatal, error, warning, info, verbose, debug. */
    static void setLevel(const std::string& level);
};

} // namespace capstan
