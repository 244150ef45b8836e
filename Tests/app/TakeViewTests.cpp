// The logic behind what the app shows of a take: the waveform accumulator (audio thread -> window), the take list
// (durations read from the files), the name preview and input monitoring.

#include "EngineDriver.h"
#include "TestProcessors.h"
#include "support/TestSupport.h"

#include <AppCore.h>
#include <AudioEngine.h>
#include <DummyAudioDevice.h>
#include <GainPlugin.h>
#include <PluginChain.h>
#include <TakeList.h>
#include <WaveformAccumulator.h>

#include <capstan/media/StreamWriter.h>
#include <capstan/realtime/TestSignal.h>
#include <capstan/session/TakeNamer.h>

#include <catch2/catch.hpp>

#include <limits>

#include <chrono>
#include <cmath>
#include <fstream>
#include <thread>

using namespace capstan;
using namespace capstan::test;
using capstan::app::WaveformAccumulator;

namespace
{
using Bin = WaveformAccumulator::Bin;

/** Two channels of a known signal: a ramp from -1.2 to +1.2 on the left, the left halved and negated on the right. */
std::vector<std::vector<float>> rampChannels(int frames)
{
    std::vector<std::vector<float>> channels(2, std::vector<float>(size_t(frames)));
    for (int i = 0; i < frames; ++i)
    {
        channels[0][size_t(i)] = -1.2f + 2.4f * float(i) / float(frames);
        channels[1][size_t(i)] = -0.5f * channels[0][size_t(i)];
    }
    return channels;
}

/** Feeds `channels` from `start` in chunks of the given sizes (cycled). */
void feed(WaveformAccumulator& wave, const std::vector<std::vector<float>>& channels, std::vector<int> chunks)
{
    const int frames = int(channels[0].size());
    for (int at = 0, k = 0; at < frames; ++k)
    {
        const int count = std::min(chunks[size_t(k) % chunks.size()], frames - at);
        const float* pointers[] = {channels[0].data() + at, channels[1].data() + at};
        wave.add(pointers, 2, count);
        at += count;
    }
}

juce::File fileOf(const fs::path& path)
{
    return juce::File(juce::String(path.string()));
}

/** A take file of `seconds` of silence written with the project's StreamWriter (the container says its duration). */
void writeTake(const fs::path& path, double seconds)
{
    StreamWriter writer(path.string());
    const int stream = writer.addAudioStream({.sampleRate = 48000, .numChannels = 1, .format = SampleFormat::flt});
    writer.open();
    const std::vector<float> samples(size_t(std::llround(seconds * 48000)));
    writer.writeAudioChunk(stream, std::span<const float>(samples));
    writer.close();
}
} // namespace

TEST_CASE("waveform: bins hold the lowest and highest sample of all channels, however the audio is chunked")
{
    const auto channels = rampChannels(1050);
    // The expected bins, computed here: 10 full bins of 100 frames; the last 50 frames are not a bin yet.
    std::vector<Bin> expected;
    for (int b = 0; b < 10; ++b)
    {
        Bin bin{channels[0][size_t(b * 100)], channels[0][size_t(b * 100)]};
        for (int i = b * 100; i < (b + 1) * 100; ++i)
            for (const auto& channel : channels)
            {
                bin.min = std::min(bin.min, channel[size_t(i)]);
                bin.max = std::max(bin.max, channel[size_t(i)]);
            }
        expected.push_back(bin);
    }
    for (const auto& chunks : std::vector<std::vector<int>>{{1050}, {1}, {7, 333, 64}, {100}, {99, 1, 250}})
    {
        INFO("chunks " << chunks[0]);
        WaveformAccumulator wave;
        wave.prepare(100);
        wave.beginTake();
        feed(wave, channels, chunks);
        std::vector<Bin> bins;
        CHECK(wave.collect(bins) == 10);
        REQUIRE(bins.size() == expected.size());
        for (size_t b = 0; b < bins.size(); ++b)
        {
            CHECK(bins[b].min == expected[b].min);
            CHECK(bins[b].max == expected[b].max);
        }
        CHECK(wave.collect(bins) == 0); // nothing new
        CHECK(bins.size() == 10);
    }
    // Over full scale stays over full scale (the view draws it red): the ramp goes from -1.2 to +1.2.
    CHECK(expected.front().min < -1.1f);
    CHECK(expected.back().max > 1.0f);
}

TEST_CASE("waveform: a new take starts a new picture, and a late reader skips what the ring no longer holds")
{
    WaveformAccumulator wave;
    wave.prepare(10);
    const float nan = std::numeric_limits<float>::quiet_NaN();
    const float first[] = {0.1f, 0.2f, -0.3f, nan, 0.4f, 0, 0, 0, 0, 0, 0.9f, 0.9f, 0.9f, 0.9f, 0.9f};
    const float* one[] = {first};
    wave.beginTake();
    wave.add(one, 1, 15);
    std::vector<Bin> bins;
    REQUIRE(wave.collect(bins) == 1);
    CHECK(bins[0].min == -0.3f); // the NaN is not drawn (the file gets silence there)
    CHECK(bins[0].max == 0.4f);

    // The next take: the old bins go, the unfinished bin (five samples at 0.9) is not carried over.
    const float second[10] = {-0.25f, 0, 0, 0, 0, 0, 0, 0, 0, 0.125f};
    const float* two[] = {second};
    wave.beginTake();
    wave.add(two, 1, 10);
    CHECK(wave.collect(bins) == 1);
    REQUIRE(bins.size() == 1);
    CHECK(bins[0].min == -0.25f);
    CHECK(bins[0].max == 0.125f);

    // A reader that sleeps through more than the ring: the newest ringSize bins, the rest counted as missed.
    std::vector<float> ramp(size_t(WaveformAccumulator::ringSize + 100) * 10);
    for (size_t i = 0; i < ramp.size(); ++i)
        ramp[i] = float(i / 10) / float(ramp.size());
    const float* three[] = {ramp.data()};
    wave.add(three, 1, int(ramp.size()));
    CHECK(wave.collect(bins) == WaveformAccumulator::ringSize);
    CHECK(wave.missedBins() == 100); // the ramp's first 100 bins were overwritten before the reader came
    CHECK(bins.back().max == float(WaveformAccumulator::ringSize + 99) / float(ramp.size()));
}

TEST_CASE("waveform: one column per pixel, each the lowest min and highest max of the bins under it")
{
    const std::vector<Bin> bins{{-0.1f, 0.2f}, {-0.5f, 0.1f}, {-0.2f, 0.9f}, {0.0f, 0.0f}};
    const auto two = app::columnPeaks(bins, 2);
    REQUIRE(two.size() == 2);
    CHECK(two[0].min == -0.5f);
    CHECK(two[0].max == 0.2f);
    CHECK(two[1].min == -0.2f);
    CHECK(two[1].max == 0.9f);
    const auto wide = app::columnPeaks(bins, 8); // more pixels than bins: each bin spans two columns
    REQUIRE(wide.size() == 8);
    for (size_t x = 0; x < 8; ++x)
        CHECK(wide[x].max == bins[x / 2].max);
    CHECK(app::columnPeaks({}, 100).empty());
}

TEST_CASE("waveform: the engine draws the take's recorded samples after the chain, 10 ms per bin")
{
    TestDir dir;
    app::PluginChain chain;
    appendGain(chain, 12.0f);
    app::AudioEngine engine(chain);
    TakeSettings settings;
    settings.format = RecordingFormat::wav32f;
    settings.folder = dir.path().string();
    settings.pattern = "wave";
    engine.setSettings(settings);
    engine.prepare(48000, 4096, 2);
    REQUIRE(engine.waveform().framesPerBin() == 480);

    TestSignal signal({.kind = TestSignal::Kind::tone, .sampleRate = 48000, .numChannels = 2, .amplitude = 0.5});
    std::vector<Bin> bins;
    recordTake(engine, signal, 2, 0.5, [&] { engine.waveform().collect(bins); }); // as the window's timer does
    REQUIRE(engine.status().takesCompleted == 1);
    engine.waveform().collect(bins);
    CHECK(bins.size() == 50); // 0.5 s in 10 ms bins: nothing before Record, nothing after the take
    float highest = 0;
    for (const auto& bin : bins)
        highest = std::max({highest, bin.max, -bin.min});
    // The waveform saw what the file meter saw: the samples after +12 dB (over full scale), of the take only.
    CHECK(highest == engine.fileMeter().take(0).peak);
    CHECK(highest > 1.9f);
}

TEST_CASE("take list: durations from the files, sizes, missing files, each file read once while unchanged")
{
    TestDir dir;
    writeTake(dir.file("long.flac"), 1.5);
    writeTake(dir.file("short.wav"), 0.25);
    std::ofstream(dir.file("empty.wav")).flush(); // a take reserved but never written: listed, no duration
    const juce::StringArray paths{
        fileOf(dir.file("short.wav")).getFullPathName(), fileOf(dir.file("long.flac")).getFullPathName(),
        fileOf(dir.file("gone.mp3")).getFullPathName(), fileOf(dir.file("empty.wav")).getFullPathName()};
    app::TakeList list;
    list.setFiles(paths);
    REQUIRE(list.size() == 4);
    CHECK(list[0].file.getFileName() == "short.wav"); // the order given: newest first
    CHECK(list[0].exists);
    REQUIRE(list[0].seconds.has_value());
    CHECK(*list[0].seconds == Approx(0.25).margin(0.001));
    CHECK(list[0].bytes == int64_t(fs::file_size(dir.file("short.wav"))));
    REQUIRE(list[1].seconds.has_value());
    CHECK(*list[1].seconds == Approx(1.5).margin(0.001));
    CHECK_FALSE(list[2].exists);
    CHECK_FALSE(list[2].seconds.has_value());
    CHECK(list[3].exists);
    CHECK_FALSE(list[3].seconds.has_value());
    CHECK(list.durationsRead() == 3);

    list.setFiles(paths); // a refresh (a new take finished): nothing is read again
    CHECK(list.durationsRead() == 3);
    writeTake(dir.file("short.wav"), 2.0); // rewritten: read again
    list.setFiles(paths);
    CHECK(list.durationsRead() == 4);
    CHECK(*list[0].seconds == Approx(2.0).margin(0.001));

    CHECK(app::TakeList::durationText(1.5) == "0:01.5");
    CHECK(app::TakeList::durationText(754.25) == "12:34.2");
    CHECK(app::TakeList::durationText(3725.5) == "1:02:05.5");
    CHECK(app::TakeList::durationText(std::nullopt) == "?");
}

TEST_CASE("name preview: what the next take will be called, without creating anything")
{
    TestDir dir;
    TakeSettings settings;
    settings.format = RecordingFormat::flac;
    settings.extraFormats = {RecordingFormat::mp3};
    settings.folder = (dir.path() / "takes").string();
    settings.pattern = "%track%_%date%_take%take%";
    const auto now = std::chrono::system_clock::now();
    char date[16];
    const std::time_t seconds = std::chrono::system_clock::to_time_t(now);
    std::tm local{};
    localtime_r(&seconds, &local);
    std::strftime(date, sizeof(date), "%Y-%m-%d", &local);

    const auto preview = TakeNamer::previewPath(settings, "", 0, now);
    CHECK(preview == (dir.path() / "takes" / ("Capstan_" + std::string(date) + "_take01.flac")).string());
    CHECK_FALSE(fs::exists(dir.path() / "takes")); // neither the folder nor a file

    // The recorder's namer then gives exactly that name, and the preview moves on with it.
    TakeNamer namer;
    CHECK(namer.nextPath(settings, "", now) == preview);
    const auto second = TakeNamer::previewPath(settings, "", namer.takesNamed(), now);
    CHECK(fs::path(second).filename().string() == "Capstan_" + std::string(date) + "_take02.flac");
    CHECK(namer.nextPath(settings, "", now) == second);

    // A fixed name: taken by another format's file of the take, the preview numbers it as the namer will.
    settings.pattern = "interview";
    std::ofstream((dir.path() / "takes" / "interview.mp3").string()).flush();
    const auto fixed = TakeNamer::previewPath(settings, "", 0, now);
    CHECK(fs::path(fixed).filename().string() == "interview-2.flac");
    TakeNamer other;
    CHECK(other.nextPath(settings, "", now) == fixed);
}

TEST_CASE("monitoring: silent outputs when off, what goes into the file when on")
{
    app::PluginChain chain;
    chain.insert(std::make_unique<SampleFunctionProcessor>("half", [](float x) { return x * 0.5f; }),
                 SampleFunctionProcessor::describe("half"));
    app::AudioEngine engine(chain);
    engine.prepare(48000, 512, 1); // a mono input, heard on both outputs
    CHECK_FALSE(engine.isMonitoring());

    std::vector<float> input(256), left(256, 9.0f), right(256, 9.0f);
    for (size_t i = 0; i < input.size(); ++i)
        input[i] = std::sin(float(i) * 0.1f) * 0.8f;
    const float* inputs[] = {input.data()};
    float* outputs[] = {left.data(), right.data()};
    engine.audioDeviceIOCallbackWithContext(inputs, 1, outputs, 2, 256, {});
    CHECK(std::all_of(left.begin(), left.end(), [](float x) { return x == 0.0f; }));
    CHECK(std::all_of(right.begin(), right.end(), [](float x) { return x == 0.0f; }));

    engine.setMonitoring(true);
    engine.audioDeviceIOCallbackWithContext(inputs, 1, outputs, 2, 256, {});
    for (size_t i = 0; i < input.size(); ++i)
    {
        CHECK(left[i] == input[i] * 0.5f); // after the chain: what is recorded is what is heard
        CHECK(right[i] == left[i]);
    }

    // A chain that emits NaN, Inf or +24 dB never reaches the speakers as such: silence and full scale.
    input[0] = std::numeric_limits<float>::quiet_NaN();
    input[1] = std::numeric_limits<float>::infinity();
    input[2] = 32.0f;
    input[3] = -32.0f;
    engine.audioDeviceIOCallbackWithContext(inputs, 1, outputs, 2, 256, {});
    CHECK(left[0] == 0.0f);
    CHECK(left[1] == 0.0f);
    CHECK(left[2] == 1.0f);
    CHECK(left[3] == -1.0f);
    CHECK(right[2] == 1.0f);
}

TEST_CASE("monitoring: the app opens the dummy device's outputs when asked, and never saves it on")
{
    TestDir dir;
    const auto settingsDir = fileOf(dir.file("settings"));
    {
        app::AppCore core(settingsDir);
        REQUIRE(core.openAudio("dummy").isEmpty());
        auto* device = dynamic_cast<app::DummyAudioDevice*>(core.deviceManager.getCurrentAudioDevice());
        REQUIRE(device != nullptr);
        CHECK(device->getActiveOutputChannels().isZero()); // recording needs no output: none is opened

        REQUIRE(core.setMonitoring(true).isEmpty());
        device = dynamic_cast<app::DummyAudioDevice*>(core.deviceManager.getCurrentAudioDevice());
        REQUIRE(device != nullptr);
        CHECK(device->getActiveOutputChannels().countNumberOfSetBits() == 2);
        std::this_thread::sleep_for(std::chrono::milliseconds(300));
        device->takeOutputPeak();
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
        CHECK(device->takeOutputPeak() == Approx(0.5).margin(0.01)); // the -6 dBFS test tone, heard

        REQUIRE(core.setMonitoring(false).isEmpty());
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        device->takeOutputPeak();
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
        CHECK(device->takeOutputPeak() == 0.0f);
        core.setMonitoring(true);
    }
    app::AppCore again(settingsDir);
    CHECK_FALSE(again.engine.isMonitoring()); // every launch starts without monitoring (feedback)
}
