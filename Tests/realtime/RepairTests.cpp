// What a recording does with bad samples and vanished destinations: NaN/Inf from a plug-in chain never ends an
// output (each repairs, counts and lists them), and a file removed mid-recording is a failure of that output only.

#include "support/TestSupport.h"

#include <capstan/realtime/Recorder.h>

#include <catch2/catch.hpp>

#include <chrono>
#include <cmath>
#include <fstream>
#include <limits>
#include <sstream>
#include <thread>

using namespace capstan;
namespace fs = std::filesystem;

namespace
{
constexpr int rate = 48000;

/** Pushes `seconds` of a stereo sine in 512-frame callbacks, waiting whenever the queue is half full so that
    nothing drops; `poison(frame)` may replace a sample of channel 0. `during(second)` runs once per second. */
template <typename Poison, typename During>
void pushSine(Recorder& recorder, double seconds, Poison&& poison, During&& during)
{
    constexpr int block = 512;
    std::vector<float> left(block), right(block);
    const float* planes[] = {left.data(), right.data()};
    const int64_t total = int64_t(seconds * rate);
    for (int64_t start = 0; start < total; start += block)
    {
        if (start % rate < block)
            during(int(start / rate));
        for (int i = 0; i < block; ++i)
        {
            left[size_t(i)] = right[size_t(i)] = 0.3f * std::sin(0.03f * float(start + i));
            left[size_t(i)] = poison(start + i, left[size_t(i)]);
        }
        while (recorder.stats().queueFill * 2 > recorder.stats().queueCapacity)
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
        recorder.pushAudio(planes, 2, block);
    }
}
} // namespace

TEST_CASE("NaN and Inf from the source end no output: each repairs, counts and lists them", "[realtime][repair]")
{
    // The reproduction of issue 12: one NaN at 6 s aborted the process in libmp3lame, and the FLAC and WAV stopped
    // at 5.78 s with it. Now every output holds all 8 s, and every output counts the same three bad frames.
    test::TestDir dir;
    RecorderConfig config;
    config.sampleRate = rate;
    config.numChannels = 2;
    for (const char* name : {"t.flac", "t.wav", "t.mp3", "t.m4a", "t.opus"})
        config.outputs.push_back({.path = dir.file(name).string()});
    config.outputs[1].encoder = "pcm_f32le";
    Recorder recorder(config);
    recorder.arm();
    recorder.start();
    const auto nan = std::numeric_limits<float>::quiet_NaN();
    const auto inf = std::numeric_limits<float>::infinity();
    pushSine(
        recorder, 8.0,
        [&](int64_t frame, float value)
        {
            if (frame == 6 * rate)
                return nan;
            if (frame == 6 * rate + 1)
                return inf;
            if (frame == 7 * rate)
                return 1e35f; // an absurd magnitude: clipped everywhere but in float WAV
            return value;
        },
        [](int) {});
    recorder.stop();
    const auto stats = recorder.stats();
    INFO(stats.toJson());
    REQUIRE(recorder.errors().empty());
    CHECK(stats.nonFiniteSamples == 2);
    CHECK(stats.clippedSamples == 1);
    CHECK(stats.firstRepairSeconds == Approx(6.0));
    REQUIRE(stats.outputs.size() == 5);
    for (const auto& output : stats.outputs)
    {
        INFO(output.destination);
        CHECK(output.nonFiniteSamples == 2);
        CHECK(output.firstRepairSeconds == Approx(6.0));
        CHECK(test::probeFormat(output.destination).number("duration") == Approx(8.0).margin(0.1));
    }
    CHECK(stats.outputs[1].clippedSamples == 0); // float WAV keeps 1e35 as it is
    CHECK(stats.outputs[0].clippedSamples == 1);

    // The FLAC holds silence where the NaN was, and the sine everywhere else.
    const auto flac = test::decodeAudio<float>(dir.file("t.flac"));
    REQUIRE(flac.size() == size_t(2 * 8 * rate));
    CHECK(flac[size_t(2 * 6 * rate)] == 0.0f);
    CHECK(flac[size_t(2 * 7 * rate)] > 0.99f); // clipped to positive full scale, not a negative click
    CHECK(std::abs(flac[size_t(2 * (6 * rate + 2))] - 0.3f * std::sin(0.03f * float(6 * rate + 2))) < 1e-4f);

    // The sidecar lists the repairs with their positions.
    const std::string sidecar = test::readFileText(dir.file("t.mp3.drops.json"));
    INFO(sidecar);
    CHECK(sidecar.find("\"nonFiniteSamples\":2") != std::string::npos);
    CHECK(sidecar.find("\"clippedSamples\":1") != std::string::npos);
    CHECK(sidecar.find("\"frame\":288000,\"frames\":2,\"seconds\":6.000000") != std::string::npos);
    CHECK(sidecar.find("\"frame\":336000,\"frames\":1,\"seconds\":7.000000") != std::string::npos);
}

TEST_CASE("a file removed while recording fails that output only and says what was lost", "[realtime][errors]")
{
    test::TestDir dir;
    fs::create_directories(dir.file("gone"));
    RecorderConfig config;
    config.sampleRate = rate;
    config.numChannels = 2;
    config.outputs.push_back({.path = dir.file("gone/take.flac").string()});
    config.outputs.push_back({.path = dir.file("kept.wav").string()});
    Recorder recorder(config);
    recorder.arm();
    recorder.start();
    pushSine(
        recorder, 4.0, [](int64_t, float value) { return value; },
        [&](int second)
        {
            if (second == 2)
                fs::remove_all(dir.file("gone"));
            if (second == 2)
                std::this_thread::sleep_for(std::chrono::milliseconds(400)); // a periodic flush notices
        });
    recorder.stop();
    const auto stats = recorder.stats();
    INFO(stats.toJson());
    REQUIRE(stats.outputs.size() == 2);
    CHECK(stats.outputs[0].state == OutputCounters::State::failed);
    CHECK_FALSE(stats.outputs[0].destinationExists);
    CHECK_THAT(stats.outputs[0].lastError, Catch::Contains("removed") && Catch::Contains("lost"));
    CHECK(stats.writeErrors >= 1);
    CHECK(stats.outputs[1].state == OutputCounters::State::closed);
    CHECK(test::probeFormat(dir.file("kept.wav")).number("duration") == Approx(4.0).margin(0.02));
    CHECK_FALSE(fs::exists(dir.file("gone")));
}

TEST_CASE("the sidecar follows the recording, so a killed one does not claim zero frames", "[realtime][crash]")
{
    test::TestDir dir;
    RecorderConfig config;
    config.sampleRate = rate;
    config.numChannels = 2;
    config.outputs.push_back({.path = dir.file("take.flac").string()});
    // Asked for from the start (by default a sidecar appears only once something happened: SignalTests.cpp).
    config.outputs.back().sidecar = SidecarMode::always;
    Recorder recorder(config);
    recorder.arm();
    recorder.start();
    std::string during;
    pushSine(
        recorder, 3.0, [](int64_t, float value) { return value; },
        [&](int second)
        {
            if (second == 2)
            {
                std::this_thread::sleep_for(std::chrono::milliseconds(1300)); // a checkpoint every second
                during = test::readFileText(dir.file("take.flac.drops.json"));
            }
        });
    recorder.stop();
    INFO(during);
    CHECK(during.find("\"frames\":0,") == std::string::npos);
    CHECK(during.find("\"complete\":false") != std::string::npos);
}
