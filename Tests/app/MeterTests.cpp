// The app's meters show what goes into the files: a known gain in the chain, and the meters' figures for the take
// compared with the files decoded by ffmpeg.

#include "EngineDriver.h"
#include "support/TestSupport.h"

#include <AudioEngine.h>
#include <GainPlugin.h>
#include <PluginChain.h>

#include <capstan/realtime/TestSignal.h>

#include <catch2/catch.hpp>

#include <chrono>
#include <cmath>
#include <limits>
#include <thread>

using namespace capstan;
using namespace capstan::test;
using capstan::app::AudioEngine;
using capstan::app::MeterTap;

namespace
{
constexpr int rate = 48000;
constexpr int channels = 2;

/** Per channel: the highest |sample| and how many samples `atFullScale` says are at (or over) full scale. */
template <typename T, typename Predicate>
std::vector<MeterTap::Reading> measureFile(const std::vector<T>& samples, Predicate atFullScale)
{
    std::vector<MeterTap::Reading> readings(channels);
    for (size_t i = 0; i < samples.size(); ++i)
    {
        auto& r = readings[i % channels];
        r.peak = std::max(r.peak, float(std::abs(double(samples[i]))));
        r.fullScale += atFullScale(samples[i]) ? 1 : 0;
    }
    return readings;
}

} // namespace

TEST_CASE("the meters show what goes into the file: +12 dB in the chain, compared with the decoded take")
{
    TestDir dir;
    app::PluginChain chain;
    appendGain(chain, 12.0f);
    AudioEngine engine(chain);
    TakeSettings settings;
    settings.format = RecordingFormat::wav32f;        // keeps samples over full scale as they are
    settings.extraFormats = {RecordingFormat::wav24}; // clips them at full scale
    settings.folder = dir.path().string();
    settings.pattern = "hot";
    engine.setSettings(settings);
    engine.setPreChainRecording(true);
    engine.prepare(rate, 4096, channels);

    // A -6 dBFS tone: about +6 dBFS after the gain, so about two thirds of the samples are over full scale.
    TestSignal signal({.kind = TestSignal::Kind::tone, .sampleRate = rate, .numChannels = channels, .amplitude = 0.5});
    recordTake(engine, signal, channels, 1.0);
    const auto post = engine.status();
    const auto pre = engine.preChainStatus();
    INFO("post: " << post.lastError << " pre: " << pre.lastError);
    REQUIRE(post.takesCompleted == 1);
    REQUIRE(pre.takesCompleted == 1);
    REQUIRE(post.lastFiles.size() == 2);
    REQUIRE(pre.lastFiles.size() == 2);

    const auto overFloat = [](float x) { return std::abs(x) >= 1.0f; };
    const auto floatFile = measureFile(decodeAudio<float>(post.lastFiles[0]), overFloat);
    const auto preFile = measureFile(decodeAudio<float>(pre.lastFiles[0]), overFloat);
    // 24-bit: a sample at or over full scale is stored as the largest value, +0x7fffff or -0x800000 (decoded to s32:
    // 0x7fffff00 and INT32_MIN).
    const auto intFile = measureFile(decodeAudio<int32_t>(post.lastFiles[1]), [](int32_t x)
                                     { return x >= 0x7fffff00 || x == std::numeric_limits<int32_t>::min(); });
    for (int c = 0; c < channels; ++c)
    {
        INFO("channel " << c);
        const auto meter = engine.fileMeter().take(c);
        const auto input = engine.preChainMeter().take(c);
        // The meter saw exactly the samples of the file.
        CHECK(meter.peak == floatFile[size_t(c)].peak);
        CHECK(meter.fullScale == floatFile[size_t(c)].fullScale);
        CHECK(meter.fullScale == intFile[size_t(c)].fullScale);
        CHECK(input.peak == preFile[size_t(c)].peak);
        CHECK(input.fullScale == preFile[size_t(c)].fullScale);
        // And the known gain is what separates them: +12 dB, over full scale for about two thirds of the samples.
        CHECK(juce::Decibels::gainToDecibels(meter.peak / input.peak) == Approx(12.0).margin(0.001));
        CHECK(input.peak < 1.0f);
        CHECK(input.fullScale == 0);
        CHECK(meter.fullScale > rate / 2);
        CHECK(meter.peak > 1.9f);
        // The figures shown since the take began include it.
        CHECK(engine.fileMeter().held(c).fullScale >= meter.fullScale);
        CHECK(engine.fileMeter().held(c).peak >= meter.peak);
    }

    // A click on the meter (a reset) clears the held figures at the next block, not the take's.
    engine.fileMeter().requestReset();
    const float silence[4] = {};
    const float* silent[channels] = {silence, silence};
    engine.audioDeviceIOCallbackWithContext(silent, channels, nullptr, 0, 4, {});
    CHECK(engine.fileMeter().held(0).fullScale == 0);
    CHECK(engine.fileMeter().held(0).peak == 0.0f);
    CHECK(engine.fileMeter().take(0).fullScale == floatFile[0].fullScale);
}

TEST_CASE("a meter counts samples at or over full scale, and only recorded ones for the take")
{
    MeterTap tap;
    const float left[] = {0.5f, 1.0f, -1.0f, 0.99999994f, -1.5f, 0.0f};
    const float right[] = {0.25f, -0.25f, 0.0f, 0.0f, 0.0f, 0.0f};
    const float* data[] = {left, right};
    tap.beginTake();
    tap.measure(data, 2, 6, true);
    tap.measure(data, 2, 6, false); // not written (paused, or no take): shown, not counted for the take
    CHECK(tap.numChannels() == 2);
    CHECK(tap.take(0).fullScale == 3);
    CHECK(tap.take(0).peak == 1.5f);
    CHECK(tap.held(0).fullScale == 6);
    CHECK(tap.take(1).fullScale == 0);
    CHECK(tap.take(1).peak == 0.25f);
    CHECK(tap.takeBarPeak(0) == 1.5f);
    CHECK(tap.takeBarPeak(0) == 0.0f); // read and reset
}
