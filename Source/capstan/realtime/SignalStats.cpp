#include "SignalStats.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

namespace capstan
{

std::string SignalRun::describe(int sampleRate) const
{
    if (position < 0 || sampleRate <= 0)
        return {};
    const int64_t start = position / sampleRate;
    char what[64];
    if (silence)
        std::snprintf(what, sizeof(what), "digital silence");
    else
        std::snprintf(what, sizeof(what), "a constant value (%.4g)", double(value));
    char text[160];
    std::snprintf(text, sizeof(text), "no signal: %.1f s of %s from %lld:%02lld:%02lld", double(numFrames) / sampleRate,
                  what, (long long)(start / 3600), (long long)(start / 60 % 60), (long long)(start % 60));
    return text;
}

double toDbfs(float peak)
{
    return peak > 0 ? 20.0 * std::log10(double(peak)) : -std::numeric_limits<double>::infinity();
}

void SignalStats::setNumChannels(int n) noexcept
{
    numChannels.store(std::clamp(n, 0, maxChannels), std::memory_order_relaxed);
}

void SignalStats::publishLevels(const float* peaks, float maxPeak, int64_t fullScaleSamples) noexcept
{
    const int n = numChannels.load(std::memory_order_relaxed);
    for (int c = 0; c < n; ++c)
        peakValues[size_t(c)].store(peaks[c], std::memory_order_relaxed);
    maxPeakValue.store(maxPeak, std::memory_order_relaxed);
    fullScale.store(fullScaleSamples, std::memory_order_relaxed);
}

void SignalStats::publishRun(int64_t frames, const SignalRun& current, const SignalRun& last,
                             int64_t silenceWarnings) noexcept
{
    const uint64_t s = sequence.load(std::memory_order_relaxed);
    sequence.store(s + 1, std::memory_order_relaxed);
    std::atomic_thread_fence(std::memory_order_release);
    runFrames.store(frames, std::memory_order_relaxed);
    warnings.store(silenceWarnings, std::memory_order_relaxed);
    currentPosition.store(current.position, std::memory_order_relaxed);
    currentFrames.store(current.numFrames, std::memory_order_relaxed);
    currentSilence.store(current.silence, std::memory_order_relaxed);
    currentValue.store(current.value, std::memory_order_relaxed);
    lastPosition.store(last.position, std::memory_order_relaxed);
    lastFrames.store(last.numFrames, std::memory_order_relaxed);
    lastSilence.store(last.silence, std::memory_order_relaxed);
    lastValue.store(last.value, std::memory_order_relaxed);
    sequence.store(s + 2, std::memory_order_release);
}

SignalStats::Snapshot SignalStats::snapshot() const
{
    Snapshot s;
    const int n = numChannels.load(std::memory_order_relaxed);
    for (int c = 0; c < n; ++c)
        s.peaks.push_back(peakValues[size_t(c)].load(std::memory_order_relaxed));
    s.maxPeak = maxPeakValue.load(std::memory_order_relaxed);
    s.fullScaleSamples = fullScale.load(std::memory_order_relaxed);
    const int rate = sampleRate.load(std::memory_order_relaxed);
    for (;;)
    {
        const uint64_t before = sequence.load(std::memory_order_acquire);
        const int64_t frames = runFrames.load(std::memory_order_relaxed);
        s.silenceWarnings = warnings.load(std::memory_order_relaxed);
        s.current = {currentPosition.load(std::memory_order_relaxed), currentFrames.load(std::memory_order_relaxed),
                     currentSilence.load(std::memory_order_relaxed), currentValue.load(std::memory_order_relaxed)};
        s.last = {lastPosition.load(std::memory_order_relaxed), lastFrames.load(std::memory_order_relaxed),
                  lastSilence.load(std::memory_order_relaxed), lastValue.load(std::memory_order_relaxed)};
        std::atomic_thread_fence(std::memory_order_acquire);
        if ((before & 1) == 0 && sequence.load(std::memory_order_relaxed) == before)
        {
            s.silentSeconds = rate > 0 ? double(frames) / rate : 0.0;
            return s;
        }
    }
}

} // namespace capstan
