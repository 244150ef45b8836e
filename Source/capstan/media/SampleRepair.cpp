#include "SampleRepair.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <type_traits>

extern "C"
{
#include <libavutil/mathematics.h>
#include <libavutil/samplefmt.h>
}

namespace capstan
{
namespace
{
template <typename T>
T finiteLimit(double limit)
{
    return std::isfinite(limit) ? static_cast<T>(limit) : std::numeric_limits<T>::max();
}

/** Sample `frame` of channel `channel`, whether the data is planar or interleaved. */
template <typename T>
T& sampleAt(uint8_t* const* planes, bool planar, int numChannels, int channel, int frame)
{
    return planar ? reinterpret_cast<T*>(planes[channel])[frame]
                  : reinterpret_cast<T*>(planes[0])[static_cast<int64_t>(frame) * numChannels + channel];
}

/** The bits of a float or double as a signed integer of the same size. */
template <typename T>
using BitsOf = std::conditional_t<sizeof(T) == 4, int32_t, int64_t>;

template <typename T>
bool anyBad(const uint8_t* const* planes, bool planar, int numChannels, int numFrames, double limit)
{
    // With the sign bit cleared, the bits of a float order like its magnitude, and NaN and infinity sort above
    // every finite number: one integer compare per sample finds any sample beyond the limit. Integer compares
    // vectorise; floating-point ones did not (GCC keeps them scalar because they may trap on NaN), and this scan
    // reads every sample written.
    using Bits = BitsOf<T>;
    constexpr Bits magnitude = std::numeric_limits<Bits>::max();
    const Bits limitBits = std::bit_cast<Bits>(finiteLimit<T>(limit)) & magnitude;
    const int numPlanes = planar ? numChannels : 1;
    const int64_t perPlane = planar ? numFrames : static_cast<int64_t>(numFrames) * numChannels;
    for (int p = 0; p < numPlanes; ++p)
    {
        const uint8_t* data = planes[p];
        Bits bad = 0;
        for (int64_t i = 0; i < perPlane; ++i)
        {
            Bits bits;
            std::memcpy(&bits, data + i * static_cast<int64_t>(sizeof(T)), sizeof bits); // no aliasing of T as Bits
            bad |= static_cast<Bits>((bits & magnitude) > limitBits);
        }
        if (bad != 0)
            return true;
    }
    return false;
}

/** Repairs frame by frame; calls `onRun(first, end)` for each run of frames that had a repair. */
template <typename T, typename OnRun>
bool repairAll(uint8_t* const* planes, bool planar, int numChannels, int numFrames, double limit, SampleRepairs& into,
               OnRun&& onRun)
{
    const T lim = finiteLimit<T>(limit);
    int runStart = -1;
    bool changed = false;
    for (int f = 0; f < numFrames; ++f)
    {
        bool frameRepaired = false;
        for (int c = 0; c < numChannels; ++c)
        {
            T& x = sampleAt<T>(planes, planar, numChannels, c, f);
            if (std::abs(x) <= lim)
                continue;
            frameRepaired = true;
            if (std::isfinite(x))
            {
                x = x > 0 ? lim : -lim;
                ++into.clippedSamples;
            }
            else
            {
                x = T(0);
                ++into.nonFiniteSamples;
            }
        }
        if (frameRepaired && runStart < 0)
            runStart = f;
        if (!frameRepaired && runStart >= 0)
        {
            onRun(runStart, f);
            runStart = -1;
        }
        changed = changed || frameRepaired;
    }
    if (runStart >= 0)
        onRun(runStart, numFrames);
    return changed;
}
} // namespace

SampleRepair::SampleRepair(double limit, int inputRateIn, int pointRateIn)
    : maxMagnitude(limit), inputRate(inputRateIn), pointRate(pointRateIn)
{
}

int64_t SampleRepair::toInput(int64_t position) const
{
    return inputRate == pointRate ? position : av_rescale(position, inputRate, pointRate);
}

bool SampleRepair::needed(const uint8_t* const* planes, int format, int numChannels, int numFrames) const
{
    if (numFrames <= 0)
        return false;
    const auto f = static_cast<AVSampleFormat>(format);
    const bool planar = av_sample_fmt_is_planar(f) != 0;
    switch (av_get_packed_sample_fmt(f))
    {
    case AV_SAMPLE_FMT_FLT:
        return anyBad<float>(planes, planar, numChannels, numFrames, maxMagnitude);
    case AV_SAMPLE_FMT_DBL:
        return anyBad<double>(planes, planar, numChannels, numFrames, maxMagnitude);
    default:
        return false; // integers are always finite and within what every encoder takes
    }
}

bool SampleRepair::repair(uint8_t* const* planes, int format, int numChannels, int numFrames, int64_t position,
                          SampleRepairs& into) const
{
    if (numFrames <= 0)
        return false;
    const auto onRun = [&](int first, int end)
    {
        const int64_t start = toInput(position + first);
        const int64_t stop = std::max(start + 1, toInput(position + end));
        if (into.lastRunEnd >= 0 && start <= into.lastRunEnd && !into.intervals.empty() &&
            into.intervals.back().position + into.intervals.back().numFrames == into.lastRunEnd)
        {
            RepairInterval& last = into.intervals.back();
            last.numFrames = std::max(last.position + last.numFrames, stop) - last.position;
        }
        else if (!(into.lastRunEnd >= 0 && start <= into.lastRunEnd))
        {
            ++into.intervalCount;
            if (into.intervals.size() < static_cast<size_t>(SampleRepairs::maxListedIntervals))
                into.intervals.push_back({start, stop - start});
        }
        into.lastRunEnd = std::max(into.lastRunEnd, stop);
    };
    const auto f = static_cast<AVSampleFormat>(format);
    const bool planar = av_sample_fmt_is_planar(f) != 0;
    switch (av_get_packed_sample_fmt(f))
    {
    case AV_SAMPLE_FMT_FLT:
        return repairAll<float>(planes, planar, numChannels, numFrames, maxMagnitude, into, onRun);
    case AV_SAMPLE_FMT_DBL:
        return repairAll<double>(planes, planar, numChannels, numFrames, maxMagnitude, into, onRun);
    default:
        return false;
    }
}

} // namespace capstan
