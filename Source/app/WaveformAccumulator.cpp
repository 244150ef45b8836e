#include "WaveformAccumulator.h"

#include <algorithm>

namespace capstan::app
{

void WaveformAccumulator::prepare(int framesPerBin) noexcept
{
    binFrames.store(std::max(1, framesPerBin), std::memory_order_relaxed);
    binFilled = 0;
}

void WaveformAccumulator::beginTake() noexcept
{
    binFilled = 0;
    takeStart.store(written.load(std::memory_order_relaxed), std::memory_order_release);
}

void WaveformAccumulator::publish() noexcept
{
    const int64_t index = written.load(std::memory_order_relaxed);
    const auto slot = size_t(index % ringSize);
    mins[slot].store(binMin, std::memory_order_relaxed);
    maxs[slot].store(binMax, std::memory_order_relaxed);
    written.store(index + 1, std::memory_order_release);
    binFilled = 0;
}

void WaveformAccumulator::add(const float* const* channels, int numChannels, int numFrames) noexcept
{
    const int frames = binFrames.load(std::memory_order_relaxed);
    for (int start = 0; start < numFrames;)
    {
        const int count = std::min(numFrames - start, frames - binFilled);
        float low = binFilled == 0 ? 0.0f : binMin, high = binFilled == 0 ? 0.0f : binMax;
        bool first = binFilled == 0;
        for (int c = 0; c < numChannels; ++c)
        {
            const float* samples = channels[c] + start;
            for (int i = 0; i < count; ++i)
            {
                const float x = samples[i];
                if (!(x == x)) // NaN: the file gets silence there, so does the picture
                    continue;
                if (first)
                {
                    low = high = x;
                    first = false;
                }
                low = std::min(low, x);
                high = std::max(high, x);
            }
        }
        binMin = low;
        binMax = high;
        binFilled += count;
        start += count;
        if (binFilled >= frames)
            publish();
    }
}

int WaveformAccumulator::collect(std::vector<Bin>& take)
{
    const int64_t end = written.load(std::memory_order_acquire);
    const int64_t start = takeStart.load(std::memory_order_acquire);
    if (start != readTakeStart)
    {
        take.clear();
        readTakeStart = start;
        readUpTo = start; // a new take: read it from its first bin, the previous take's unread bins are dropped
    }
    int64_t from = std::max(readUpTo, start);
    if (end - from > ringSize)
    {
        missed += end - ringSize - from;
        from = end - ringSize;
    }
    const size_t before = take.size();
    for (int64_t i = from; i < end; ++i)
        take.push_back({mins[size_t(i % ringSize)].load(std::memory_order_relaxed),
                        maxs[size_t(i % ringSize)].load(std::memory_order_relaxed)});
    // Bins overwritten while they were being read (the reader was nearly a whole ring late) are dropped.
    const int64_t now = written.load(std::memory_order_acquire);
    if (now - from > ringSize)
    {
        const auto stale = size_t(std::min<int64_t>(now - ringSize - from, int64_t(take.size() - before)));
        take.erase(take.begin() + long(before), take.begin() + long(before + stale));
        missed += int64_t(stale);
    }
    readUpTo = end;
    return int(take.size() - before);
}

std::vector<WaveformAccumulator::Bin> columnPeaks(const std::vector<WaveformAccumulator::Bin>& bins, int columns)
{
    std::vector<WaveformAccumulator::Bin> result;
    if (bins.empty() || columns <= 0)
        return result;
    result.resize(size_t(columns));
    const double binsPerColumn = double(bins.size()) / columns;
    for (int x = 0; x < columns; ++x)
    {
        auto first = size_t(x * binsPerColumn);
        auto last = std::max(first + 1, size_t((x + 1) * binsPerColumn));
        first = std::min(first, bins.size() - 1);
        last = std::min(last, bins.size());
        auto column = bins[first];
        for (size_t i = first + 1; i < last; ++i)
        {
            column.min = std::min(column.min, bins[i].min);
            column.max = std::max(column.max, bins[i].max);
        }
        result[size_t(x)] = column;
    }
    return result;
}

} // namespace capstan::app
