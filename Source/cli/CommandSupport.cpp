#include "CommandSupport.h"

#include <cstdio>
#include <filesystem>
#include <sys/stat.h>
#include <unistd.h>

#include <capstan/media/Error.h>
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

bool isLocalFilePath(const std::string& path)
{
    return !path.empty() && path != "-" && path.find("://") == std::string::npos && path.rfind("pipe:", 0) != 0;
}

bool sameFile(const std::string& a, const std::string& b)
{
    struct stat first
    {
    }, second{};
    const bool firstExists = ::stat(a.c_str(), &first) == 0;
    const bool secondExists = ::stat(b.c_str(), &second) == 0;
    if (firstExists && secondExists)
        return first.st_dev == second.st_dev && first.st_ino == second.st_ino;
    if (firstExists != secondExists)
        return false;
    std::error_code error;
    const auto resolvedA = std::filesystem::weakly_canonical(std::filesystem::absolute(a, error), error);
    const auto resolvedB = std::filesystem::weakly_canonical(std::filesystem::absolute(b, error), error);
    return !error && resolvedA == resolvedB;
}

std::pair<int, int> parsePictureSize(const std::string& option, const std::string& text)
{
    int w = 0, h = 0;
    char extra = 0;
    if (std::sscanf(text.c_str(), "%dx%d%c", &w, &h, &extra) != 2 || w < 16 || h < 16 || w > 7680 || h > 7680 ||
        w % 2 != 0 || h % 2 != 0)
        throw UsageError("--" + option +
                         " takes WxH with even sides from 16 to 7680 (yuv420p video), e.g. 320x240, got '" + text +
                         "'");
    return {w, h};
}

Rational parsePictureRate(const std::string& option, const std::string& text)
{
    Rational rate;
    try
    {
        rate = parseRational(text);
    }
    catch (const Error&)
    {
        rate = {};
    }
    if (!rate.isValid() || rate.toDouble() > 240.0)
        throw UsageError("--" + option + " takes a positive frame rate up to 240, e.g. 20, 25 or 30000/1001, got '" +
                         text + "'");
    return rate;
}

std::string describeRepairs(int64_t nonFiniteSamples, int64_t clippedSamples, double firstSeconds, int64_t places)
{
    if (nonFiniteSamples <= 0 && clippedSamples <= 0)
        return {};
    std::string text = "repaired " + std::to_string(nonFiniteSamples + clippedSamples) + " sample(s) of the input:";
    if (nonFiniteSamples > 0)
        text +=
            " " + std::to_string(nonFiniteSamples) + " NaN/Inf written as silence" + (clippedSamples > 0 ? "," : "");
    if (clippedSamples > 0)
        text += " " + std::to_string(clippedSamples) + " beyond +60 dBFS clipped";
    char where[96];
    std::snprintf(where, sizeof(where), ", first at %.3f s (%lld place(s))", firstSeconds, (long long)places);
    return text + where;
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
