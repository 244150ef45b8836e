#pragma once

#include <cstdint>
#include <limits>
#include <vector>

namespace capstan
{

/** A run of repaired samples on an audio stream's input timeline, in frames at the stream's input sample rate. */
struct RepairInterval
{
    int64_t position = 0;
    int64_t numFrames = 0;
    friend bool operator==(const RepairInterval&, const RepairInterval&) = default;
};

/** What a writer changed in one audio stream so that its encoder survives the samples: NaN and infinities become
    silence, finite values beyond the encoder's limit are clipped to it. Plug-in chains and DSP code do produce
    such values; one of them must never abort the process (libmp3lame asserts on them) or end a stream (the aac
    encoder refuses them). */
struct SampleRepairs
{
    static constexpr int maxListedIntervals = 256;

    int64_t nonFiniteSamples = 0;          ///< NaN, +Inf, -Inf written as 0 (counted per channel sample)
    int64_t clippedSamples = 0;            ///< finite values beyond the limit, clipped to +-limit
    std::vector<RepairInterval> intervals; ///< the first maxListedIntervals runs of repaired frames, merged
    int64_t intervalCount = 0;             ///< all runs, listed or not
    int64_t lastRunEnd = -1;               ///< where the latest run ended: a run touching it extends it

    bool any() const { return nonFiniteSamples > 0 || clippedSamples > 0; }
    int64_t total() const { return nonFiniteSamples + clippedSamples; }
};

/** Finds and repairs non-finite and out-of-range samples in float or double audio, in place, at one point of an
    audio pipeline (before a filter graph, before the resampler, before the encoder). Integer formats cannot hold
    such values and pass untouched. Positions are given on the point's own clock and recorded on the stream's input
    clock (`inputRate / pointRate`). */
class SampleRepair
{
public:
    /** Encoders fail on absurd magnitudes: libmp3lame asserts (quantize.c) on white noise of amplitude 2e4 at
        8-32 kbit/s, the aac encoder hangs at 1e7 (FFmpeg 5.1, Debian 12), and libswresample's float-to-integer
        conversion overflows (a huge positive value becomes full-scale negative). +60 dBFS is far beyond any real
        signal and 20 times below the first failure seen. Only float PCM stores larger values as they are. */
    static constexpr double encoderLimit = 1.0e3;
    static constexpr double noLimit = std::numeric_limits<double>::infinity();

    SampleRepair(double limit, int inputRate, int pointRate);

    /** True when repair() would change something; reads only. `format` is an AVSampleFormat. */
    bool needed(const uint8_t* const* planes, int format, int numChannels, int numFrames) const;

    /** Repairs in place and records what changed into `into`; `position` is the first frame on this point's
        clock. Returns true if anything changed. */
    bool repair(uint8_t* const* planes, int format, int numChannels, int numFrames, int64_t position,
                SampleRepairs& into) const;

    double limit() const { return maxMagnitude; }

private:
    int64_t toInput(int64_t position) const;

    double maxMagnitude;
    int inputRate;
    int pointRate;
};

} // namespace capstan
