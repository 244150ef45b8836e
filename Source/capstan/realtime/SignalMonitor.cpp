#include "SignalMonitor.h"

#include <algorithm>
#include <cfloat>
#include <cmath>

namespace capstan
{

SignalMonitor::SignalMonitor(int numChannels_, int sampleRate_, double warnAfterSeconds, SignalStats& stats_)
    : numChannels(std::clamp(numChannels_, 1, SignalStats::maxChannels)), sampleRate(sampleRate_),
      warnFrames(warnAfterSeconds > 0 ? std::max<int64_t>(1, int64_t(warnAfterSeconds * sampleRate_ + 0.5)) : 0),
      // A run that starts and ends inside one chunk is shorter than the chunk, so with chunks no longer than the
      // threshold only the runs crossing chunk edges can reach it, and those are followed exactly.
      chunkFrames(warnFrames > 0 ? std::min<int64_t>(4096, warnFrames) : 4096), stats(stats_),
      runValues(size_t(numChannels), 0.0f), windowFrames(std::max(1, sampleRate_ / 10)),
      windowPeaks(size_t(numChannels), 0.0f), previousPeaks(size_t(numChannels), 0.0f),
      shownPeaks(size_t(numChannels), 0.0f), zeros(size_t(4096), 0.0f), offsetPlanes(size_t(numChannels), nullptr)
{
    stats.sampleRate.store(sampleRate, std::memory_order_relaxed);
    stats.setNumChannels(numChannels);
}

void SignalMonitor::finish()
{
    if (warnFrames <= 0 || runWarned || runStart != 0 || position == 0)
        return;
    runReaches(position, true);
    publish();
}

bool SignalMonitor::takeWarningChange()
{
    const bool changed = warningChanged;
    warningChanged = false;
    return changed;
}

void SignalMonitor::process(const float* const* planes, int64_t numFrames)
{
    auto& offset = offsetPlanes;
    for (int64_t done = 0; done < numFrames;)
    {
        const int64_t n = std::min(numFrames - done, chunkFrames);
        for (int c = 0; c < numChannels; ++c)
            offset[size_t(c)] = planes != nullptr ? planes[c] + done : zeros.data();
        processChunk(offset.data(), n);
        done += n;
    }
    publish();
}

SignalMonitor::SidecarView SignalMonitor::sidecarView() const
{
    std::lock_guard lock(viewMutex);
    return view;
}

void SignalMonitor::publish()
{
    {
        std::lock_guard lock(viewMutex);
        view.maxPeak = loudest;
        view.fullScaleSamples = fullScale;
        if (view.runs != warned)
            view.runs = warned;
    }
    stats.publishLevels(shownPeaks.data(), loudest, fullScale);
    const int64_t runFrames = position - runStart;
    const SignalRun current = runWarned ? warned.back() : SignalRun{};
    stats.publishRun(runFrames, current, warned.empty() ? SignalRun{} : warned.back(), int64_t(warned.size()));
}

void SignalMonitor::processChunk(const float* const* planes, int64_t n)
{
    measureLevels(planes, n);

    // Where does the run in progress stop? The first frame in which any channel differs from its previous sample.
    int64_t firstChange = n;
    for (int c = 0; c < numChannels; ++c)
    {
        const float* x = planes[c];
        float before = runValues[size_t(c)];
        for (int64_t i = 0; i < firstChange; ++i)
        {
            if (x[i] != before) // NaN differs from everything: never a constant
            {
                firstChange = i;
                break;
            }
            before = x[i];
        }
    }
    runReaches(position + firstChange);
    if (firstChange < n)
    {
        if (runWarned)
        {
            runWarned = false;
            warningChanged = true; // the warned run is over: its final length goes into the sidecars
        }
        // The new run in progress starts after the last change in this chunk.
        int64_t lastChange = firstChange;
        for (int c = 0; c < numChannels; ++c)
        {
            const float* x = planes[c];
            for (int64_t i = n - 1; i > lastChange; --i)
                if (x[i] != x[i - 1])
                {
                    lastChange = i;
                    break;
                }
        }
        runStart = position + lastChange;
        for (int c = 0; c < numChannels; ++c)
            runValues[size_t(c)] = planes[c][n - 1];
        runReaches(position + n);
    }
    position += n;
}

void SignalMonitor::runReaches(int64_t end, bool atEnd)
{
    const int64_t length = end - runStart;
    if (runWarned)
    {
        warned.back().numFrames = length;
        return;
    }
    if (warnFrames <= 0 || (length < warnFrames && !atEnd))
        return;
    bool silent = true;
    for (const float v : runValues)
        silent = silent && v == 0.0f;
    warned.push_back({runStart, length, silent, runValues[0]});
    runWarned = true;
    warningChanged = true;
}

void SignalMonitor::measureLevels(const float* const* planes, int64_t n)
{
    for (int c = 0; c < numChannels; ++c)
    {
        const float* x = planes[c];
        float peak = windowPeaks[size_t(c)];
        int64_t over = 0;
        for (int64_t i = 0; i < n; ++i)
        {
            const float a = std::fabs(x[i]);
            // Non-finite samples are written as silence (counted as repairs): they are no level.
            if (a <= FLT_MAX)
            {
                peak = std::max(peak, a);
                over += a >= 1.0f ? 1 : 0;
            }
        }
        windowPeaks[size_t(c)] = peak;
        fullScale += over;
        loudest = std::max(loudest, peak);
    }
    windowFilled += n;
    // Shown: the window being filled and the one before, so a reader polling every 0.1-0.2 s misses no peak.
    for (int c = 0; c < numChannels; ++c)
        shownPeaks[size_t(c)] = std::max(windowPeaks[size_t(c)], previousPeaks[size_t(c)]);
    if (windowFilled >= windowFrames)
    {
        previousPeaks = windowPeaks;
        std::fill(windowPeaks.begin(), windowPeaks.end(), 0.0f);
        windowFilled = 0;
    }
}

} // namespace capstan
