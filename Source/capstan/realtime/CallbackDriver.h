#pragma once

#include "Recorder.h"
#include "TestSignal.h"

#include <atomic>
#include <cstdint>
#include <functional>
#include <vector>

namespace capstan
{

/** Calls a Recorder exactly as an audio device would: one pushAudio() per callback, planar float, a fixed or
    varying block size, paced in real time or as fast as the encoder keeps up. Used by tests, benchmarks and
    `capstan record`; the JUCE AudioIODeviceCallback adapter for real devices lives with the app. */
class CallbackDriver
{
public:
    enum class Pacing
    {
        realtime, ///< sleeps until each callback's deadline, like a sound card's clock
        fast,     ///< no clock: waits only while the recorder's pool is low, so nothing is dropped
        burst     ///< no clock and no waiting: overloads a slow encoder on purpose (tests)
    };

    struct Config
    {
        int blockFrames = 512;  ///< fixed block size ...
        int maxBlockFrames = 0; ///< ... or, when > 0, uniformly random sizes in [minBlockFrames, maxBlockFrames]
        int minBlockFrames = 1;
        uint32_t blockSeed = 1; ///< seed of the block-size sequence
        Pacing pacing = Pacing::fast;
        double fastMinFreeFraction = 0.25; ///< fast pacing: wait while the headroom is below this share of a queue
        bool measurePushTimes = false;     ///< record each pushAudio()'s duration (preallocated)
    };

    struct Result
    {
        int64_t frames = 0;
        int64_t callbacks = 0;
        double wallSeconds = 0.0;
        double maxPushSeconds = 0.0;
        std::vector<double> pushSeconds; ///< when measured: one per callback (capped at the reserve)
    };

    /** `signal` must outlive the driver; its sample rate and channel count are the device's. */
    CallbackDriver(const TestSignal& signal, const Config& config);

    /** Pushes `numFrames` frames (or until `stopFlag` becomes true when numFrames < 0) from the calling thread,
        which plays the audio thread. The signal continues from where the previous run() ended. */
    Result run(Recorder& recorder, int64_t numFrames, const std::atomic<bool>* stopFlag = nullptr);

    /** Changes the pacing between runs (e.g. an overload burst, then paced again). */
    void setPacing(Pacing pacing) noexcept { cfg.pacing = pacing; }

    /** Frames pushed so far (the next frame index of the signal). */
    int64_t position() const noexcept { return nextFrame; }

    static Pacing parsePacing(const std::string& name);

private:
    int nextBlockSize() noexcept;

    const TestSignal& signal;
    Config cfg;
    int numChannels;
    int maxFrames;
    std::vector<float> storage;
    std::vector<float*> channels;
    uint64_t rngState;
    int64_t nextFrame = 0;
};

} // namespace capstan
