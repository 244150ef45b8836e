#include "MeterTap.h"

#include <algorithm>
#include <cmath>

namespace capstan::app
{

namespace
{
void raise(std::atomic<float>& value, float peak) noexcept
{
    // The bar's reader swaps in 0 at any time: compare-and-swap, so a reset is never overwritten by a stale value.
    float current = value.load(std::memory_order_relaxed);
    while (peak > current && !value.compare_exchange_weak(current, peak, std::memory_order_relaxed))
    {
    }
}
} // namespace

MeterTap::MeterTap() = default;

void MeterTap::measure(const float* const* channels, int numChannels, int numFrames, bool recorded) noexcept
{
    const int count = std::clamp(numChannels, 0, maxChannels);
    channelCount.store(count, std::memory_order_relaxed);
    if (resetWanted.exchange(false, std::memory_order_relaxed))
        for (auto& channel : state)
        {
            channel.heldPeak.store(0, std::memory_order_relaxed);
            channel.heldFullScale.store(0, std::memory_order_relaxed);
        }
    for (int c = 0; c < count; ++c)
    {
        const float* samples = channels[c];
        float peak = 0;
        int64_t fullScale = 0;
        for (int i = 0; i < numFrames; ++i)
        {
            const float magnitude = std::abs(samples[i]);
            peak = std::max(peak, magnitude); // NaN never wins a comparison: it is repaired in the file, not metered
            fullScale += magnitude >= 1.0f ? 1 : 0;
        }
        auto& channel = state[size_t(c)];
        raise(channel.bar, peak);
        raise(channel.heldPeak, peak);
        channel.heldFullScale.fetch_add(fullScale, std::memory_order_relaxed);
        if (recorded)
        {
            raise(channel.takePeak, peak);
            channel.takeFullScale.fetch_add(fullScale, std::memory_order_relaxed);
        }
    }
}

void MeterTap::beginTake() noexcept
{
    for (auto& channel : state)
    {
        channel.takePeak.store(0, std::memory_order_relaxed);
        channel.takeFullScale.store(0, std::memory_order_relaxed);
        channel.heldPeak.store(0, std::memory_order_relaxed);
        channel.heldFullScale.store(0, std::memory_order_relaxed);
    }
}

float MeterTap::takeBarPeak(int channel) noexcept
{
    return channel >= 0 && channel < maxChannels ? state[size_t(channel)].bar.exchange(0, std::memory_order_relaxed)
                                                 : 0.0f;
}

MeterTap::Reading MeterTap::held(int channel) const noexcept
{
    if (channel < 0 || channel >= maxChannels)
        return {};
    const auto& s = state[size_t(channel)];
    return {s.heldPeak.load(std::memory_order_relaxed), s.heldFullScale.load(std::memory_order_relaxed)};
}

MeterTap::Reading MeterTap::take(int channel) const noexcept
{
    if (channel < 0 || channel >= maxChannels)
        return {};
    const auto& s = state[size_t(channel)];
    return {s.takePeak.load(std::memory_order_relaxed), s.takeFullScale.load(std::memory_order_relaxed)};
}

} // namespace capstan::app
