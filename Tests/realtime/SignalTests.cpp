// What the recorder measures in what it writes (SignalMonitor): levels for a meter, samples at full scale, and the
// warning after seconds of digital silence or a constant value. Checked against the decoded files, the stats and
// the sidecars; the warning never stops a recording.

#include "support/TestSupport.h"

#include <capstan/realtime/Recorder.h>
#include <capstan/realtime/SignalMonitor.h>

#include <catch2/catch.hpp>

#include <chrono>
#include <cmath>
#include <functional>
#include <thread>

using namespace capstan;
namespace fs = std::filesystem;

namespace
{
constexpr int rate = 48000;

/** A stereo source: sample(frame, channel). */
using Source = std::function<float(int64_t, int)>;

float sine(int64_t frame, float amplitude)
{
    return amplitude * std::sin(2.0f * 3.14159265f * 440.0f * float(frame) / float(rate));
}

/** Pushes `seconds` from `source` in 512-frame callbacks without dropping (waits when the queue is half full). */
void push(Recorder& recorder, double seconds, const Source& source, int64_t& frame)
{
    constexpr int block = 512;
    std::vector<float> left(block), right(block);
    const float* planes[] = {left.data(), right.data()};
    const int64_t end = frame + int64_t(seconds * rate);
    while (frame < end)
    {
        const int n = int(std::min<int64_t>(block, end - frame));
        for (int i = 0; i < n; ++i)
        {
            left[size_t(i)] = source(frame + i, 0);
            right[size_t(i)] = source(frame + i, 1);
        }
        while (recorder.stats().queueFill * 2 > recorder.stats().queueCapacity)
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
        recorder.pushAudio(planes, 2, n);
        frame += n;
    }
}

/** Waits until the encoder thread has written everything pushed. */
void waitWritten(const Recorder& recorder)
{
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (recorder.stats().encoderLagSeconds > 0.03 && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
}

RecorderConfig flacConfig(const test::TestDir& dir, SidecarMode sidecar = SidecarMode::whenNeeded)
{
    RecorderConfig config;
    config.sampleRate = rate;
    config.numChannels = 2;
    config.outputs.push_back({.path = dir.file("take.flac").string(), .encoder = "flac"});
    config.outputs.back().sidecar = sidecar;
    return config;
}

/** Records `seconds` of `source` with `config` from start to stop; returns the final stats. */
RecorderStats::Snapshot record(const RecorderConfig& config, double seconds, const Source& source)
{
    Recorder recorder(config);
    recorder.arm();
    recorder.start();
    int64_t frame = 0;
    push(recorder, seconds, source, frame);
    recorder.stop();
    return recorder.stats();
}

const Source tone = [](int64_t f, int) { return sine(f, 0.5f); };
const Source zero = [](int64_t, int) { return 0.0f; };
} // namespace

TEST_CASE("6 s of digital silence in a take: one warning, its place in the stats and the sidecar, the take goes on",
          "[realtime][signal]")
{
    test::TestDir dir;
    Recorder recorder(flacConfig(dir));
    recorder.arm();
    recorder.start();
    int64_t frame = 0;
    push(recorder, 1.0, tone, frame);
    push(recorder, 6.0, zero, frame);
    waitWritten(recorder);
    // While the silence lasts, the warning is live, and the sidecar already says it (a killed process keeps it).
    const auto during = recorder.stats();
    INFO(during.toJson());
    CHECK(during.silenceWarnings == 1);
    CHECK(during.silentSeconds == Approx(6.0).margin(0.05));
    CHECK_THAT(during.signalWarning, Catch::StartsWith("no signal: ") && Catch::Contains("of digital silence from "
                                                                                         "0:00:01"));
    const std::string sidecarDuring = test::readFileText(dir.file("take.flac.drops.json"));
    CHECK_THAT(sidecarDuring, Catch::Contains("\"complete\":false") && Catch::Contains("\"frame\":48000,"));
    CHECK(sidecarDuring.find("\"frames\":0,") == std::string::npos); // close to the truth, not an empty claim
    push(recorder, 1.0, tone, frame);
    recorder.stop();

    const auto stats = recorder.stats();
    INFO(stats.toJson());
    CHECK(stats.framesWritten == 8 * rate); // nothing was stopped
    CHECK(stats.silenceWarnings == 1);
    CHECK(stats.signalWarning.empty()); // the signal came back
    CHECK(stats.lastSignalWarning == "no signal: 6.0 s of digital silence from 0:00:01");
    CHECK(stats.silentSeconds < 0.01);
    CHECK(stats.fullScaleSamples == 0);
    CHECK(stats.maxPeak == Approx(0.5f).margin(1e-4));

    // The file holds what was measured: zeros exactly from 1 s to 7 s.
    const auto samples = test::decodeAudio<float>(dir.file("take.flac"));
    REQUIRE(samples.size() == size_t(2 * 8 * rate));
    int64_t firstZero = -1, lastZero = -1;
    for (int64_t f = rate / 2; f < 8 * rate; ++f)
        if (samples[size_t(2 * f)] == 0.0f && samples[size_t(2 * f + 1)] == 0.0f)
        {
            if (firstZero < 0 && samples[size_t(2 * f + 2)] == 0.0f && samples[size_t(2 * f + 4)] == 0.0f)
                firstZero = f;
            if (firstZero >= 0)
                lastZero = f;
        }
    CHECK(firstZero == Approx(rate).margin(2));
    CHECK(lastZero == Approx(7 * rate - 1).margin(2));

    const std::string sidecar = test::readFileText(dir.file("take.flac.drops.json"));
    INFO(sidecar);
    CHECK_THAT(sidecar, Catch::Contains("\"complete\":true") && Catch::Contains("\"drops\":[]"));
    CHECK_THAT(sidecar, Catch::Contains("\"warnings\":[{\"frame\":48000,\"frames\":288000,\"seconds\":1.000000,"
                                        "\"durationSeconds\":6.000000,\"silence\":true,\"value\":0,"
                                        "\"text\":\"no signal: 6.0 s of digital silence from 0:00:01\"}]"));
}

TEST_CASE("a constant value (DC) is no signal either; a moving one is", "[realtime][signal]")
{
    test::TestDir dir;
    auto config = flacConfig(dir);
    config.outputs.back().encoder = "pcm_f32le";
    config.outputs.back().path = dir.file("take.wav").string();
    Recorder recorder(config);
    recorder.arm();
    recorder.start();
    int64_t frame = 0;
    push(
        recorder, 5.5, [](int64_t, int) { return 0.25f; }, frame);
    // A very quiet but moving signal (dither-like, well below -60 dBFS) is a signal.
    push(
        recorder, 6.0, [](int64_t f, int) { return (f % 3 - 1) * 1e-4f; }, frame);
    recorder.stop();
    const auto stats = recorder.stats();
    INFO(stats.toJson());
    CHECK(stats.silenceWarnings == 1);
    CHECK(stats.lastSignalWarning == "no signal: 5.5 s of a constant value (0.25) from 0:00:00");
    CHECK(stats.signalWarning.empty());
    CHECK_THAT(test::readFileText(dir.file("take.wav.drops.json")),
               Catch::Contains("\"silence\":false,\"value\":0.25,"));
}

TEST_CASE("levels: per-channel peaks for a meter, the loudest sample, and the samples at full scale",
          "[realtime][signal]")
{
    test::TestDir dir;
    auto config = flacConfig(dir);
    config.outputs.back().path = dir.file("hot.wav").string();
    config.outputs.back().encoder = "pcm_f32le"; // keeps values beyond full scale, so the file can be counted too
    Recorder recorder(config);
    recorder.arm();
    recorder.start();
    int64_t frame = 0;
    // Left: a sine at 1.2 (clipping); right: at 0.25. Then 1 s of left 0.1 / right 0.05 for the meter.
    push(
        recorder, 2.0, [](int64_t f, int c) { return sine(f, c == 0 ? 1.2f : 0.25f); }, frame);
    push(
        recorder, 1.0, [](int64_t f, int c) { return sine(f, c == 0 ? 0.1f : 0.05f); }, frame);
    waitWritten(recorder);
    const auto live = recorder.stats();
    INFO(live.toJson());
    REQUIRE(live.peaks.size() == 2);
    // The meter shows the last 0.1-0.2 s: the quiet part, per channel.
    CHECK(live.peaks[0] == Approx(0.1f).margin(0.002));
    CHECK(live.peaks[1] == Approx(0.05f).margin(0.002));
    CHECK(live.peakDbfs() == Approx(-20.0).margin(0.2));
    recorder.stop();

    const auto stats = recorder.stats();
    const auto samples = test::decodeAudio<float>(dir.file("hot.wav"));
    REQUIRE(samples.size() == size_t(2 * 3 * rate));
    int64_t overInFile = 0;
    float loudest = 0;
    for (const float s : samples)
    {
        overInFile += std::fabs(s) >= 1.0f ? 1 : 0;
        loudest = std::max(loudest, std::fabs(s));
    }
    CHECK(overInFile > rate / 2); // a 1.2 sine spends about 37% of its time at or beyond 1.0
    CHECK(stats.fullScaleSamples == overInFile);
    CHECK(stats.maxPeak == Approx(loudest));
    CHECK(stats.maxPeak == Approx(1.2f).margin(0.001));
    CHECK(stats.silenceWarnings == 0);
    // Nothing happened that a sidecar would record: a full-scale sample is not a repair or a drop.
    CHECK_FALSE(fs::exists(dir.file("hot.wav.drops.json")));
}

TEST_CASE("sidecars: only when something happened, always, or never", "[realtime][signal][sidecar]")
{
    test::TestDir dir;
    auto run = [&](const std::string& name, SidecarMode mode, const Source& source)
    {
        RecorderConfig config = flacConfig(dir, mode);
        config.outputs.back().path = dir.file(name).string();
        return record(config, 6.0, source);
    };
    run("clean-auto.flac", SidecarMode::whenNeeded, tone);
    CHECK(fs::exists(dir.file("clean-auto.flac")));
    CHECK_FALSE(fs::exists(dir.file("clean-auto.flac.drops.json")));

    run("clean-always.flac", SidecarMode::always, tone);
    const std::string always = test::readFileText(dir.file("clean-always.flac.drops.json"));
    CHECK_THAT(always, Catch::Contains("\"frames\":288000,\"complete\":true") && Catch::Contains("\"warnings\":[]"));

    const auto silent = run("silent-never.flac", SidecarMode::never, zero);
    CHECK(silent.silenceWarnings == 1);
    CHECK_FALSE(fs::exists(dir.file("silent-never.flac.drops.json")));

    run("silent-auto.flac", SidecarMode::whenNeeded, zero);
    CHECK_THAT(test::readFileText(dir.file("silent-auto.flac.drops.json")),
               Catch::Contains("\"text\":\"no signal: 6.0 s of digital silence from 0:00:00\""));
}

TEST_CASE("signalWarningSeconds: another threshold, or 0 for none; out of range is refused", "[realtime][signal]")
{
    test::TestDir dir;
    auto config = flacConfig(dir);
    config.signalWarningSeconds = 0;
    const auto stats = record(config, 6.0, zero);
    CHECK(stats.silenceWarnings == 0);
    CHECK(stats.silentSeconds == Approx(6.0));
    CHECK_FALSE(fs::exists(dir.file("take.flac.drops.json")));
    config.signalWarningSeconds = 0.05;
    CHECK_THROWS_WITH(Recorder(config), Catch::Contains("signalWarningSeconds") && Catch::Contains("0.1..86400"));
}

TEST_CASE("SignalMonitor: runs are found exactly, across chunks of any size and inside one long chunk",
          "[realtime][signal]")
{
    // 10 s of a tone with silence from 2.5 s to 8.25 s (5.75 s), and 3 s of DC 0.5 from... nowhere else.
    std::vector<float> left(size_t(10 * rate)), right(left.size());
    for (int64_t f = 0; f < 10 * rate; ++f)
    {
        const bool silent = f >= int64_t(2.5 * rate) && f < int64_t(8.25 * rate);
        left[size_t(f)] = silent ? 0.0f : sine(f, 0.5f);
        right[size_t(f)] = silent ? 0.0f : sine(f, -0.3f);
    }
    for (const int64_t chunk : {int64_t(1), int64_t(7), int64_t(1000), int64_t(10 * rate)})
    {
        SignalStats stats;
        SignalMonitor monitor(2, rate, 5.0, stats);
        for (int64_t done = 0; done < 10 * rate; done += chunk)
        {
            const float* planes[] = {left.data() + done, right.data() + done};
            monitor.process(planes, std::min(chunk, 10 * rate - done));
        }
        INFO("chunk " << chunk);
        REQUIRE(monitor.warnedRuns().size() == 1);
        CHECK(monitor.warnedRuns()[0] == SignalRun{int64_t(2.5 * rate), int64_t(5.75 * rate), true, 0.0f});
        CHECK(stats.snapshot().silenceWarnings == 1);
        CHECK(stats.snapshot().current.position == -1); // over
    }
}

TEST_CASE("the silence written for dropped audio counts as silence in the file", "[realtime][signal]")
{
    test::TestDir dir;
    auto config = flacConfig(dir);
    config.queueSeconds = 0.1;
    Recorder recorder(config);
    recorder.arm();
    recorder.start();
    int64_t frame = 0;
    push(recorder, 0.5, zero, frame);
    waitWritten(recorder);
    recorder.setEncoderStalledForTesting(true);
    // Pushed while stalled: most of these 6 s of tone cannot be handed over and become silence in the file.
    std::vector<float> block(512, 0.4f);
    const float* planes[] = {block.data(), block.data()};
    for (int i = 0; i < 6 * rate / 512; ++i)
        recorder.pushAudio(planes, 2, 512);
    recorder.setEncoderStalledForTesting(false);
    recorder.stop();
    const auto stats = recorder.stats();
    INFO(stats.toJson());
    REQUIRE(stats.droppedFrames > 5 * rate);
    CHECK(stats.silenceWarnings == 1);
    // The warned run is the dropped interval (the tone that still fit in the queue came before it).
    CHECK_THAT(stats.lastSignalWarning, Catch::Contains("of digital silence from 0:00:00"));
    const std::string sidecar = test::readFileText(dir.file("take.flac.drops.json"));
    CHECK_THAT(sidecar, Catch::Contains("\"silence\":true"));
}
