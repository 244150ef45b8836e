#include "CallbackDriver.h"

#include <capstan/media/Error.h>

#include <algorithm>
#include <chrono>
#include <thread>

namespace capstan
{

CallbackDriver::CallbackDriver(const TestSignal& signal_, const Config& config)
    : signal(signal_), cfg(config), numChannels(signal_.spec().numChannels),
      rngState(0x853c49e6748fea9bull ^ (uint64_t(config.blockSeed) * 0x9e3779b97f4a7c15ull))
{
    if (cfg.maxBlockFrames > 0)
    {
        if (cfg.minBlockFrames < 1 || cfg.minBlockFrames > cfg.maxBlockFrames)
            throw Error("CallbackDriver: minBlockFrames must be in 1..maxBlockFrames");
        maxFrames = cfg.maxBlockFrames;
    }
    else
    {
        if (cfg.blockFrames < 1 || cfg.blockFrames > 1 << 20)
            throw Error("CallbackDriver: blockFrames " + std::to_string(cfg.blockFrames) +
                        " is out of range (1..1048576)");
        maxFrames = cfg.blockFrames;
    }
    storage.assign(size_t(numChannels) * size_t(maxFrames), 0.0f);
    for (int c = 0; c < numChannels; ++c)
        channels.push_back(storage.data() + size_t(c) * size_t(maxFrames));
}

CallbackDriver::Pacing CallbackDriver::parsePacing(const std::string& name)
{
    if (name == "realtime")
        return Pacing::realtime;
    if (name == "fast")
        return Pacing::fast;
    if (name == "burst")
        return Pacing::burst;
    throw Error("unknown pacing '" + name + "' (accepted: realtime, fast, burst)");
}

int CallbackDriver::nextBlockSize() noexcept
{
    if (cfg.maxBlockFrames <= 0)
        return cfg.blockFrames;
    // xorshift64*: cheap, allocation-free and reproducible.
    rngState ^= rngState >> 12;
    rngState ^= rngState << 25;
    rngState ^= rngState >> 27;
    const uint64_t r = (rngState * 2685821657736338717ull) >> 33;
    return cfg.minBlockFrames + int(r % uint64_t(cfg.maxBlockFrames - cfg.minBlockFrames + 1));
}

CallbackDriver::Result CallbackDriver::run(Recorder& recorder, int64_t numFrames, const std::atomic<bool>* stopFlag)
{
    using Clock = std::chrono::steady_clock;
    Result result;
    if (cfg.measurePushTimes && numFrames > 0)
        result.pushSeconds.reserve(
            size_t(numFrames / std::max(1, cfg.maxBlockFrames > 0 ? cfg.minBlockFrames : cfg.blockFrames)) + 1);
    const int sampleRate = signal.spec().sampleRate;
    // Fast pacing waits for the slowest output: the headroom is what any one output may still take.
    const int minFree = std::max(1, int(recorder.blocksPerOutput() * cfg.fastMinFreeFraction));
    const auto begin = Clock::now();
    auto deadline = begin;
    int64_t done = 0;
    int64_t framesSinceStart = 0;

    while (numFrames < 0 || done < numFrames)
    {
        if (stopFlag != nullptr && stopFlag->load(std::memory_order_relaxed))
            break;
        int n = nextBlockSize();
        if (numFrames >= 0)
            n = int(std::min<int64_t>(n, numFrames - done));
        signal.render(channels.data(), nextFrame, n);

        if (cfg.pacing == Pacing::realtime)
        {
            // A device delivers a block once it has been captured: deadline = start + frames / rate.
            deadline = begin + std::chrono::nanoseconds(int64_t(double(framesSinceStart + n) * 1e9 / sampleRate));
            std::this_thread::sleep_until(deadline);
        }
        else if (cfg.pacing == Pacing::fast)
        {
            // Room for this callback plus the block being filled, and never below the headroom fraction.
            const int needed = std::min(
                recorder.blocksPerOutput(),
                std::max(minFree, (n + recorder.config().blockFrames - 1) / recorder.config().blockFrames + 2));
            // The headroom left (a quarter of a queue, seconds of audio at 48 kHz) lasts the encoders far longer
            // than a millisecond, so a 1 ms nap starves nobody and costs far fewer wake-ups than a tight poll.
            while (recorder.headroomBlocks() < needed && recorder.state() == Recorder::State::recording)
                std::this_thread::sleep_for(std::chrono::milliseconds(1));
        }

        const auto t0 = Clock::now();
        recorder.pushAudio(channels.data(), numChannels, n);
        const double seconds = std::chrono::duration<double>(Clock::now() - t0).count();
        result.maxPushSeconds = std::max(result.maxPushSeconds, seconds);
        if (cfg.measurePushTimes && result.pushSeconds.size() < result.pushSeconds.capacity())
            result.pushSeconds.push_back(seconds);

        nextFrame += n;
        done += n;
        framesSinceStart += n;
        ++result.callbacks;
    }
    result.frames = done;
    result.wallSeconds = std::chrono::duration<double>(Clock::now() - begin).count();
    return result;
}

} // namespace capstan
