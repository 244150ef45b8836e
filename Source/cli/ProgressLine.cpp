#include "ProgressLine.h"

#include "CommandSupport.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace capstan::cli
{
namespace
{
std::string clock(double seconds)
{
    const auto whole = int64_t(std::ceil(std::max(0.0, seconds)));
    char text[32];
    if (whole >= 3600)
        std::snprintf(text, sizeof(text), "%lld:%02lld:%02lld", (long long)(whole / 3600), (long long)(whole / 60 % 60),
                      (long long)(whole % 60));
    else
        std::snprintf(text, sizeof(text), "%lld:%02lld", (long long)(whole / 60), (long long)(whole % 60));
    return text;
}
} // namespace

ProgressLine::ProgressLine(const ParsedArguments& arguments, std::optional<double> totalIn)
    : total(totalIn && *totalIn > 0 ? totalIn : std::nullopt),
      enabled(!arguments.has("no-stats") && (arguments.has("stats") || stderrIsTerminal()))
{
}

ArgumentParser& ProgressLine::addFlags(ArgumentParser& parser)
{
    return parser.flag("stats", "show the progress line (position, speed, ETA, fps) even when stderr is no terminal")
        .flag("no-stats", "never show the progress line");
}

std::string ProgressLine::describe(double seconds, std::optional<double> total, double wallSeconds, int64_t frames)
{
    std::string text;
    char part[64];
    if (wallSeconds > 0.05 && seconds > 0)
    {
        const double speed = seconds / wallSeconds;
        std::snprintf(part, sizeof(part), "speed %.3gx", speed);
        text += part;
        if (total && *total > seconds)
            text += "  ETA " + clock((*total - seconds) / speed);
        if (frames >= 0)
        {
            std::snprintf(part, sizeof(part), "  %.0f fps", double(frames) / wallSeconds);
            text += part;
        }
    }
    return text;
}

void ProgressLine::draw(double seconds, int64_t frames)
{
    const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (total)
        std::fprintf(stderr, "\rcapstan: %.1f s of %.1f s (%3.0f%%)", seconds, *total,
                     std::min(100.0, 100.0 * seconds / *total));
    else
        std::fprintf(stderr, "\rcapstan: %.1f s", seconds);
    const std::string rest = describe(seconds, total, wall, frames);
    // Trailing spaces wipe what a longer previous line left behind.
    std::fprintf(stderr, "%s%s    ", rest.empty() ? "" : "  ", rest.c_str());
    std::fflush(stderr);
}

void ProgressLine::update(double seconds, int64_t frames)
{
    if (!enabled)
        return;
    const auto now = std::chrono::steady_clock::now();
    if (now - lastDraw < std::chrono::milliseconds(250))
        return;
    lastDraw = now;
    draw(seconds, frames);
}

void ProgressLine::finish(double seconds, int64_t frames)
{
    if (!enabled)
        return;
    draw(seconds, frames);
    std::fputc('\n', stderr);
}

} // namespace capstan::cli
