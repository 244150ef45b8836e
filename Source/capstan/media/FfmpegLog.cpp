#include "FfmpegLog.h"

#include "Error.h"

#include <cstdarg>
#include <cstdio>
#include <mutex>
#include <utility>

extern "C"
{
#include <libavutil/log.h>
}

namespace capstan
{
namespace
{
thread_local std::string lastErrorLine;

void capturingCallback(void* avcl, int level, const char* format, va_list args)
{
    if (level <= AV_LOG_ERROR)
    {
        va_list copy;
        va_copy(copy, args);
        char line[512];
        int printPrefix = 1;
        av_log_format_line2(avcl, level, format, copy, line, sizeof(line), &printPrefix);
        va_end(copy);
        std::string text(line);
        while (!text.empty() && (text.back() == '\n' || text.back() == ' '))
            text.pop_back();
        lastErrorLine = text;
    }
    av_log_default_callback(avcl, level, format, args);
}
} // namespace

void FfmpegLog::install()
{
    static std::once_flag once;
    std::call_once(once, [] { av_log_set_callback(capturingCallback); });
}

std::string FfmpegLog::takeLastError()
{
    return std::exchange(lastErrorLine, {});
}

void FfmpegLog::setLevel(const std::string& level)
{
    static const std::pair<const char*, int> levels[] = {
        {"quiet", AV_LOG_QUIET}, {"panic", AV_LOG_PANIC},     {"fatal", AV_LOG_FATAL}, {"error", AV_LOG_ERROR},
        {"warning", AV_LOG_WARNING}, {"info", AV_LOG_INFO}, {"verbose", AV_LOG_VERBOSE}, {"debug", AV_LOG_DEBUG}};
    for (const auto& [name, value] : levels)
        if (level == name)
        {
            av_log_set_level(value);
            return;
        }
    throw Error("unknown FFmpeg log level '" + level +
                "'; accepted: quiet, panic, fatal, error, warning, info, verbose, debug");
}

} // namespace capstan
