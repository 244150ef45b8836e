#include "VideoSourceStats.h"

#include "JsonText.h"

#include <cstdio>

namespace capstan
{

void VideoSourceStats::describe(const std::string& source)
{
    std::lock_guard lock(textMutex);
    sourceText = source;
}

void VideoSourceStats::setProblem(const std::string& problem)
{
    std::lock_guard lock(textMutex);
    problemText = problem;
}

VideoSourceStats::Snapshot VideoSourceStats::snapshot() const
{
    Snapshot s;
    {
        std::lock_guard lock(textMutex);
        s.source = sourceText;
        s.problem = problemText;
    }
    s.active = active.load(std::memory_order_acquire);
    s.framesCaptured = framesCaptured.load(std::memory_order_relaxed);
    s.framesPushed = framesPushed.load(std::memory_order_relaxed);
    s.framesDuplicated = framesDuplicated.load(std::memory_order_relaxed);
    s.framesSkipped = framesSkipped.load(std::memory_order_relaxed);
    s.framesRefused = framesRefused.load(std::memory_order_relaxed);
    s.driftPpm = driftPpm.load(std::memory_order_relaxed);
    s.secondsWithoutFrames = secondsWithoutFrames.load(std::memory_order_relaxed);
    return s;
}

std::string VideoSourceStats::Snapshot::toJson() const
{
    if (!active)
        return "null";
    char numbers[320];
    std::snprintf(numbers, sizeof(numbers),
                  ",\"framesCaptured\":%lld,\"framesPushed\":%lld,\"framesDuplicated\":%lld,\"framesSkipped\":%lld,"
                  "\"framesRefused\":%lld,\"driftPpm\":%.1f,\"secondsWithoutFrames\":%.3f,\"problem\":",
                  (long long)framesCaptured, (long long)framesPushed, (long long)framesDuplicated,
                  (long long)framesSkipped, (long long)framesRefused, driftPpm, secondsWithoutFrames);
    return "{\"source\":" + jsonQuote(source) + numbers + (problem.empty() ? std::string("null") : jsonQuote(problem)) +
           "}";
}

std::string VideoSourceStats::Snapshot::describe() const
{
    char text[256];
    std::snprintf(text, sizeof(text),
                  ": %lld frames captured, %lld handed to the recorder (%lld duplicated, %lld skipped for the "
                  "frame rate; drift %+.0f ppm), %lld refused by the encoder",
                  (long long)framesCaptured, (long long)framesPushed, (long long)framesDuplicated,
                  (long long)framesSkipped, driftPpm, (long long)framesRefused);
    return source + text;
}

} // namespace capstan
