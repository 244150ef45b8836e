#pragma once

// Drives the app's AudioEngine as a device would, block by block, without a device.

#include <AudioEngine.h>
#include <GainPlugin.h>

#include <capstan/realtime/TestSignal.h>

#include <chrono>
#include <functional>
#include <thread>
#include <vector>

namespace capstan::test
{

/** Appends the built-in gain, set to `db`, to `chain`: a known gain between the input and the file. */
inline void appendGain(app::PluginChain& chain, float db)
{
    auto gain = std::make_unique<app::GainPlugin>();
    gain->setGainDb(db);
    chain.insert(std::move(gain), app::GainPlugin::description());
}

/** Runs the device callback by hand (faster than real time) with `signal` in blocks of 480 frames; the take of
    `seconds` starts at block 10. Returns once the take (and the pre-chain take, when it is recorded) is written, or
    after 30 s. `eachBlock` runs after every block (e.g. to read what the window reads). */
inline void recordTake(app::AudioEngine& engine, TestSignal& signal, int numChannels, double seconds,
                       const std::function<void()>& eachBlock = {})
{
    constexpr int blockFrames = 480;
    juce::AudioBuffer<float> buffer(numChannels, blockFrames);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    for (int64_t position = 0, block = 0; std::chrono::steady_clock::now() < deadline; ++block)
    {
        if (block == 10)
            engine.startTake(seconds);
        signal.render(buffer.getArrayOfWritePointers(), position, blockFrames);
        engine.audioDeviceIOCallbackWithContext(buffer.getArrayOfReadPointers(), numChannels, nullptr, 0, blockFrames,
                                                {});
        position += blockFrames;
        if (eachBlock)
            eachBlock();
        if (block > 10 && engine.status().takesCompleted >= 1 &&
            (!engine.isPreChainRecording() || engine.preChainStatus().takesCompleted >= 1))
            return;
        std::this_thread::sleep_for(std::chrono::microseconds(2500));
    }
}

} // namespace capstan::test
