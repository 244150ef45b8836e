#include "CommandSupport.h"

#include <cstdio>
#include <unistd.h>

#include <capstan/media/FfmpegLog.h>

namespace capstan::cli
{

void setFfmpegVerbose(bool verbose)
{
    // Quiet by default: FfmpegLog still captures FFmpeg's error lines and every capstan::Error carries the one that
    // explains it, so a failure prints exactly one line. --verbose shows FFmpeg's whole log.
    FfmpegLog::install();
    FfmpegLog::setLevel(verbose ? "verbose" : "quiet");
}

ArgumentParser& addVerboseFlag(ArgumentParser& parser)
{
    return parser.flag("verbose",
                       "show FFmpeg's own log (silent by default; its errors are part of capstan's message)");
}

void applyVerbosity(const ParsedArguments& arguments)
{
    if (arguments.has("verbose"))
        setFfmpegVerbose(true);
}

bool stderrIsTerminal()
{
    return isatty(STDERR_FILENO) == 1;
}

std::string formatBytes(int64_t bytes)
{
    char text[32];
    if (bytes < 1024)
        std::snprintf(text, sizeof(text), "%lld B", static_cast<long long>(bytes));
    else if (bytes < 1024 * 1024)
        std::snprintf(text, sizeof(text), "%.1f KiB", double(bytes) / 1024.0);
    else
        std::snprintf(text, sizeof(text), "%.1f MiB", double(bytes) / (1024.0 * 1024.0));
    return text;
}

std::optional<ParsedArguments> parseCommandLine(const ArgumentParser& parser, const std::vector<std::string>& args)
{
    ParsedArguments arguments = parser.parse(args);
    if (arguments.helpRequested())
    {
        std::fputs(parser.helpText().c_str(), stdout);
        return std::nullopt;
    }
    applyVerbosity(arguments);
    return arguments;
}

} // namespace capstan::cli
