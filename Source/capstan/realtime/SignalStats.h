#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

namespace capstan
{

/** A stretch of the recording's timeline where every sample of every channel kept one value: digital silence
    (zero) or a constant (DC, a stuck converter). Positions are timeline frames (pre-roll included). */
struct SignalRun
{
    int64_t position = -1; ///< first frame, -1 none
    int64_t numFrames = 0;
    bool silence = true; ///< all zero; otherwise a constant value
    float value = 0;     ///< the first channel's value
    friend bool operator==(const SignalRun&, const SignalRun&) = default;

    /** "no signal: 5.0 s of digital silence from 0:00:03" (empty for no run). */
    std::string describe(int sampleRate) const;
};

/** What the SignalMonitor measured, published for any thread: a single writer (the encoder thread) and lock-free
    readers. The peaks are independent atomics; the run fields change together, so they sit behind a sequence
    counter (a reader retries while the writer is between its two increments). */
class SignalStats
{
public:
    static constexpr int maxChannels = 64;

    struct Snapshot
    {
        std::vector<float> peaks;     ///< per channel, over the last 0.1-0.2 s written: for a meter
        float maxPeak = 0;            ///< the loudest sample so far, any channel (linear, 1.0 = full scale)
        int64_t fullScaleSamples = 0; ///< samples at or beyond full scale (|x| >= 1.0): clipping
        int64_t silenceWarnings = 0;  ///< runs of silence or a constant value that reached the warning threshold
        double silentSeconds = 0;     ///< length of the current run of silence or constant value (0: moving)
        SignalRun current;            ///< the run in progress when it is being warned about, else none
        SignalRun last;               ///< the latest warned run (it may be over)
    };

    Snapshot snapshot() const;

    // Writer: the encoder thread only.
    void setNumChannels(int numChannels) noexcept;
    void publishLevels(const float* peaks, float maxPeak, int64_t fullScaleSamples) noexcept;
    void publishRun(int64_t runFrames, const SignalRun& current, const SignalRun& last,
                    int64_t silenceWarnings) noexcept;

    std::atomic<int> sampleRate{0};

private:
    std::atomic<int> numChannels{0};
    std::array<std::atomic<float>, maxChannels> peakValues{};
    std::atomic<float> maxPeakValue{0};
    std::atomic<int64_t> fullScale{0};

    std::atomic<uint64_t> sequence{0};
    std::atomic<int64_t> runFrames{0};
    std::atomic<int64_t> warnings{0};
    std::atomic<int64_t> currentPosition{-1}, currentFrames{0}, lastPosition{-1}, lastFrames{0};
    std::atomic<bool> currentSilence{true}, lastSilence{true};
    std::atomic<float> currentValue{0}, lastValue{0};
};

/** 20 log10(peak): -inf for silence. */
double toDbfs(float peak);

} // namespace capstan
