// TakeRecorder: sample-exact takes from the audio thread's point of view, pre-roll, pause, real-time safety, video,
// failures. Files are decoded back with the ffmpeg CLI.

#include "realtime/RealtimeTrap.h"
#include "support/TestSupport.h"

#include <capstan/realtime/TestSignal.h>
#include <capstan/session/TakeRecorder.h>

#include <catch2/catch.hpp>

#include <chrono>
#include <fstream>
#include <thread>

using namespace capstan;
using namespace capstan::test;
using namespace std::chrono_literals;

namespace
{
using State = TakeRecorder::State;

/** Drives a TakeRecorder like an audio callback: a known signal in blocks, and a model of what each take must hold. */
class Driver
{
public:
    Driver(TakeRecorder& recorderIn, int sampleRateIn, int numChannelsIn, double preRollSeconds = 0)
        : recorder(recorderIn), sampleRate(sampleRateIn), numChannels(numChannelsIn),
          signal({.kind = TestSignal::Kind::noise, .sampleRate = sampleRateIn, .numChannels = numChannelsIn}),
          preRoll(int64_t(std::llround(preRollSeconds * sampleRateIn))), storage(size_t(numChannelsIn)),
          pointers(size_t(numChannelsIn))
    {
        for (int c = 0; c < numChannels; ++c)
        {
            storage[size_t(c)].resize(maxBlock);
            pointers[size_t(c)] = storage[size_t(c)].data();
        }
    }

    static constexpr int maxBlock = 4096;

    /** One callback. Keeps the model: the take in progress holds its pre-roll and the blocks passed while record
        was on and not paused. */
    void block(int numFrames, bool record, bool paused = false)
    {
        signal.render(pointers.data(), clock, numFrames);
        if (record && !inTake)
        {
            inTake = true;
            const int64_t from = std::max<int64_t>(0, clock - preRoll);
            expected.push_back(signal.interleaved(from, clock - from));
        }
        if (!record && inTake)
            inTake = false;
        if (record && !paused)
        {
            const auto frames = signal.interleaved(clock, numFrames);
            expected.back().insert(expected.back().end(), frames.begin(), frames.end());
        }
        recorder.process(pointers.data(), numChannels, numFrames, record, paused);
        clock += numFrames;
        // Faster than real time, but not so fast that the recorders' queues (2 s) could fill up.
        sincePause += numFrames;
        if (sincePause >= 8192)
        {
            sincePause = 0;
            std::this_thread::sleep_for(1ms);
            while (recorder.status().encoderLagSeconds > 0.5) // the encoder thread's queue holds 2 s
                std::this_thread::sleep_for(1ms);
        }
    }

    /** `seconds` of audio in pseudo-random block sizes from 1 to 4096. */
    void run(double seconds, bool record, bool paused = false)
    {
        int64_t left = std::llround(seconds * sampleRate);
        while (left > 0)
        {
            random = random * 1103515245u + 12345u;
            const uint32_t r = (random >> 8) % 100;
            // Mostly host-like sizes, some tiny and some odd ones.
            int n = r < 10 ? int(1 + (random >> 4) % 7) : r < 60 ? int(1 + (random >> 4) % 4096) : 512;
            n = int(std::min<int64_t>(n, left));
            block(n, record, paused);
            left -= n;
        }
    }

    TakeRecorder& recorder;
    int sampleRate;
    int numChannels;
    TestSignal signal;
    int64_t preRoll;
    std::vector<std::vector<float>> storage;
    std::vector<float*> pointers;
    int64_t clock = 0;
    bool inTake = false;
    std::vector<std::vector<float>> expected; ///< interleaved, one per take
    uint32_t random = 7;
    int sincePause = 0;
};

/** Like a host: keeps calling process() (64-frame blocks, `record` as given) until `done`, as a real audio callback
    would while the worker threads do their part. Returns the status that satisfied `done`, read after the last
    block. */
TakeRecorder::Status waitFor(Driver& driver, bool record, const std::function<bool(const TakeRecorder::Status&)>& done,
                             const char* what)
{
    const auto deadline = std::chrono::steady_clock::now() + 20s;
    for (;;)
    {
        auto status = driver.recorder.status();
        if (done(status))
            return status;
        if (std::chrono::steady_clock::now() > deadline)
        {
            FAIL("timed out waiting for " << what << " (state " << int(status.state) << ", takes "
                                          << status.takesCompleted << ", lastError '" << status.lastError << "')");
        }
        driver.block(64, record);
        std::this_thread::sleep_for(1ms);
    }
}

TakeRecorder::Status waitForTakes(Driver& driver, int takes)
{
    return waitFor(
        driver, false,
        [takes](const auto& s) { return s.takesCompleted >= takes && s.state != State::stopping && s.nextTakeReady; },
        "the take to close");
}

/** Like an idle host: keeps calling process() (record off) until the audio thread holds the next armed take. */
void waitForReady(Driver& driver)
{
    const auto deadline = std::chrono::steady_clock::now() + 20s;
    while (!driver.recorder.status().nextTakeReady)
    {
        if (std::chrono::steady_clock::now() > deadline)
            FAIL("timed out waiting for the next take to be armed");
        driver.block(64, false);
        std::this_thread::sleep_for(1ms);
    }
}

/** "identical", or where two interleaved sample vectors first differ. */
std::string compareSamples(const std::vector<float>& actual, const std::vector<float>& expected, int numChannels)
{
    if (actual.size() != expected.size())
        return "sizes differ: " + std::to_string(actual.size() / size_t(numChannels)) + " frames decoded, " +
               std::to_string(expected.size() / size_t(numChannels)) + " expected";
    for (size_t i = 0; i < actual.size(); ++i)
        if (actual[i] != expected[i])
            return "first difference at frame " + std::to_string(i / size_t(numChannels)) + ": " +
                   std::to_string(actual[i]) + " vs " + std::to_string(expected[i]);
    return "identical";
}

TakeSettings settingsIn(const TestDir& dir)
{
    TakeSettings settings;
    settings.folder = dir.path().string();
    settings.format = RecordingFormat::wav32f;
    settings.pattern = "%track%_take%take%";
    return settings;
}
} // namespace

TEST_CASE("TakeRecorder: every take holds exactly the blocks passed while record was on (varying block sizes, "
          "pause, several takes)",
          "[session]")
{
    REQUIRE(haveFfmpegTools());
    TestDir dir;
    struct Case
    {
        int sampleRate;
        int numChannels;
        double preRollSeconds;
        const char* pattern;
    };
    const auto c = GENERATE(Case{48000, 2, 0.0, "plain_take%take%"}, Case{48000, 2, 0.5, "preroll_take%take%"},
                            Case{96000, 8, 0.25, "eight_take%take%"});
    CAPTURE(c.sampleRate, c.numChannels, c.preRollSeconds);
    TakeRecorder recorder;
    auto settings = settingsIn(dir);
    settings.preRollSeconds = c.preRollSeconds;
    settings.extraFormats = {RecordingFormat::flac};
    settings.pattern = c.pattern;
    recorder.setSettings(settings);
    recorder.setTrackName("ignored");
    recorder.prepare(c.sampleRate, c.numChannels, 4096);
    CHECK(recorder.status().state == State::ready);

    Driver driver(recorder, c.sampleRate, c.numChannels, c.preRollSeconds);
    std::vector<std::vector<std::string>> takeFiles;

    // Take 1 starts in the very first block (pre-roll: nothing before it).
    driver.run(1.3, true);
    driver.run(0.4, true, true); // paused: not in the file
    driver.run(0.7, true);
    driver.run(0.01, false);
    takeFiles.push_back(waitForTakes(driver, 1).lastFiles);
    waitForReady(driver);
    driver.run(0.8, false);

    // Take 2: starts paused, a tiny take part, ends while paused.
    driver.run(0.2, true, true);
    driver.run(0.05, true);
    driver.run(0.3, true, true);
    driver.run(0.6, false);
    takeFiles.push_back(waitForTakes(driver, 2).lastFiles);
    waitForReady(driver);
    driver.run(0.6, false);

    // Take 3: one-frame blocks at the edges.
    driver.block(1, true);
    driver.block(3, true);
    driver.run(0.9, true);
    driver.block(1, true);
    driver.block(1, false);
    const auto status = waitForTakes(driver, 3);
    takeFiles.push_back(status.lastFiles);
    CHECK(status.state == State::ready);
    CHECK(status.lastError.empty());
    CHECK(status.droppedFrames == 0);
    recorder.release();

    REQUIRE(driver.expected.size() == 3);
    for (size_t take = 0; take < 3; ++take)
    {
        CAPTURE(take);
        REQUIRE(takeFiles[take].size() == 2);
        const fs::path wav = takeFiles[take][0];
        const fs::path flac = takeFiles[take][1];
        CHECK(wav.parent_path() == dir.path());
        CHECK(wav.filename().string() ==
              settings.pattern.substr(0, settings.pattern.find('%')) + "0" + std::to_string(take + 1) + ".wav");
        CHECK(flac.extension() == ".flac");
        CHECK(wav.stem() == flac.stem());
        CHECK(compareSamples(decodeAudio<float>(wav), driver.expected[take], c.numChannels) == "identical");
        // The signal is on the 16-bit grid: 24-bit FLAC carries it bit-exactly.
        CHECK(compareSamples(decodeAudio<float>(flac), driver.expected[take], c.numChannels) == "identical");
    }
}

TEST_CASE("TakeRecorder: process() neither allocates nor locks while recording, starting and stopping takes",
          "[session]")
{
    if (!RealtimeTrap::isAvailable())
    {
        WARN("the allocation trap is compiled out under sanitizers (they own malloc)");
        return;
    }
    TestDir dir;
    TakeRecorder recorder;
    auto settings = settingsIn(dir);
    settings.format = RecordingFormat::flac;
    settings.extraFormats = {RecordingFormat::mp3};
    settings.preRollSeconds = 0.25;
    recorder.setSettings(settings);
    recorder.prepare(44100, 2, 1024);
    Driver driver(recorder, 44100, 2, 0.25);
    driver.run(0.3, false); // nothing traced yet: the signal's helpers may allocate
    // Warm the driver's own model up: expectations allocate, so pre-size by running record once outside the trap.
    driver.run(0.3, true);
    waitFor(
        driver, true, [](const auto& s) { return s.state == State::recording; }, "recording");

    std::vector<float> left(1024), right(1024);
    float* channels[] = {left.data(), right.data()};
    TrapCounts counts;
    int block = 0;
    // One trap around each process() call: the waits between phases (status(), sleeps) are not the audio thread's.
    const auto trapped = [&](bool record, bool paused)
    {
        for (int k = 0; k < 1024; ++k)
            left[size_t(k)] = right[size_t(k)] = float((block * 1024 + k) % 300) / 1000.0f;
        ++block;
        RealtimeTrap trap;
        recorder.process(channels, 2, 1024, record, paused);
        const auto c = trap.counts();
        counts.allocations += c.allocations;
        counts.frees += c.frees;
        counts.locks += c.locks;
    };
    // Take 1 goes on (with pauses), stops; takes 2 and 3 start (pre-roll from the armed recorder) and stop: pushes,
    // start and stop events, all trapped.
    for (int take = 0; take < 3; ++take)
    {
        if (take > 0)
        {
            waitForReady(driver);
            for (int i = 0; i < 20; ++i)
                trapped(false, false); // pre-roll for the next take
        }
        for (int i = 0; i < 40; ++i)
        {
            trapped(true, i % 7 == 3);
            if (i % 8 == 0)
                std::this_thread::sleep_for(1ms); // the encoder threads write meanwhile
        }
        trapped(false, false);
    }
    CHECK(counts.allocations == 0);
    CHECK(counts.frees == 0);
    CHECK(counts.locks == 0);
    const auto status = waitForTakes(driver, 3);
    CHECK(status.lastError.empty());
    recorder.release();
}

TEST_CASE("TakeRecorder: a take in the MP4 video format has H.264 and AAC streams", "[session]")
{
    REQUIRE(haveFfmpegTools());
    TestDir dir;
    TakeRecorder recorder;
    auto settings = settingsIn(dir);
    settings.format = RecordingFormat::mp4Video;
    settings.videoWidth = 320;
    settings.videoHeight = 180;
    settings.videoFrameRate = {20, 1};
    recorder.setSettings(settings);
    recorder.setTrackName("Video Track");
    recorder.prepare(48000, 2, 512);
    Driver driver(recorder, 48000, 2);
    for (int i = 0; i < 200; ++i) // 2 s in blocks of 480, about real time so the picture keeps up
    {
        driver.block(480, true);
        if (i % 4 == 0)
            std::this_thread::sleep_for(5ms);
    }
    driver.block(480, false);
    const auto status = waitForTakes(driver, 1);
    recorder.release();
    REQUIRE(status.lastFiles.size() == 1);
    const fs::path file = status.lastFiles.front();
    CHECK(file.filename() == "Video Track_take01.mp4");
    const auto counts = probeStreamCounts(file);
    CHECK(counts.at("audio") == 1);
    CHECK(counts.at("video") == 1);
    const auto video = probeStream(file, "v:0", true);
    INFO(video.describe());
    CHECK(video.text("codec_name") == "h264");
    CHECK(video.integer("width") == 320);
    CHECK(video.integer("height") == 180);
    CHECK(video.integer("nb_read_frames") >= 30); // 2 s at 20 fps: 40 frames unless the picture fell behind
    CHECK(probeStream(file, "a:0").text("codec_name") == "aac");
    CHECK(probeFormat(file).number("duration") == Approx(2.0).margin(0.1));
}

TEST_CASE("TakeRecorder: a take that cannot be opened fails with a message, and the next attempt retries", "[session]")
{
    TestDir dir;
    std::ofstream(dir.file("blocker")) << "a file where the folder should be";
    TakeRecorder recorder;
    auto settings = settingsIn(dir);
    settings.folder = dir.file("blocker").string() + "/takes";
    recorder.setSettings(settings);
    recorder.prepare(48000, 1, 256);
    Driver driver(recorder, 48000, 1);
    driver.run(0.2, true);
    auto status = waitFor(
        driver, true, [](const auto& s) { return s.state == State::failed; }, "the failure");
    CHECK(status.lastError.find("cannot create the recording folder") != std::string::npos);
    CHECK(status.lastError.find("blocker/takes") != std::string::npos);
    driver.run(0.2, false);
    status = waitFor(
        driver, false, [](const auto& s) { return s.state != State::stopping; }, "the failed take to close");
    CHECK(status.state == State::failed);
    CHECK(status.takesCompleted == 0);

    // The user picks a folder that works: the next take records.
    settings.folder = dir.file("good").string();
    recorder.setSettings(settings);
    waitForReady(driver); // the audio thread picks the new settings up at its next block
    driver.expected.clear();
    driver.run(0.5, true);
    driver.run(0.1, false);
    status = waitForTakes(driver, 1);
    CHECK(status.state == State::ready);
    CHECK(status.lastError.empty());
    REQUIRE(status.lastFiles.size() == 1);
    CHECK(fs::path(status.lastFiles[0]).parent_path() == dir.file("good"));
    CHECK(compareSamples(decodeAudio<float>(status.lastFiles[0]), driver.expected.back(), 1) == "identical");
    // Nothing was left in the blocked place, and no empty reserved files anywhere.
    for (const auto& entry : fs::recursive_directory_iterator(dir.path()))
        if (entry.is_regular_file())
            CHECK(entry.file_size() > 0);
}

TEST_CASE("TakeRecorder: release() and the destructor finish a take in progress; takes never overwrite", "[session]")
{
    TestDir dir;
    auto settings = settingsIn(dir);
    settings.format = RecordingFormat::wav16;
    std::ofstream(dir.file("Drums_take01.wav")) << "an older take";
    {
        TakeRecorder recorder;
        recorder.setSettings(settings);
        recorder.setTrackName("Drums");
        recorder.prepare(48000, 2, 512);
        Driver driver(recorder, 48000, 2);
        driver.run(0.5, true);
        recorder.release(); // the take ends with the last block
        const auto status = recorder.status();
        CHECK(status.state == State::idle);
        CHECK(status.takesCompleted == 1);
        REQUIRE(status.lastFiles.size() == 1);
        CHECK(fs::path(status.lastFiles[0]).filename() == "Drums_take02.wav");
        CHECK(decodeAudio<float>(status.lastFiles[0]).size() == driver.expected.back().size());

        recorder.prepare(44100, 2, 512); // prepared again: a new stream, the namer goes on counting
        Driver second(recorder, 44100, 2);
        second.run(0.3, true);
    } // the destructor finishes this take
    CHECK(fs::file_size(dir.file("Drums_take01.wav")) == 13);
    REQUIRE(fs::exists(dir.file("Drums_take03.wav")));
    const auto probe = probeStream(dir.file("Drums_take03.wav"));
    CHECK(probe.integer("sample_rate") == 44100);
    CHECK(probe.integer("duration_ts") == 13230);
}

TEST_CASE("TakeRecorder: status figures while recording", "[session]")
{
    TestDir dir;
    TakeRecorder recorder;
    CHECK(recorder.status().state == State::idle);
    auto settings = settingsIn(dir);
    recorder.setSettings(settings);
    recorder.prepare(48000, 2, 512);
    Driver driver(recorder, 48000, 2);
    driver.run(1.0, true);
    const auto status = waitFor(
        driver, true, [](const auto& s) { return s.state == State::recording && s.bytesWritten > 300000; },
        "bytes on disk");
    // Elapsed counts exactly the frames passed to process() for the take so far.
    CHECK(status.elapsedSeconds == double(driver.expected.back().size() / 2) / 48000.0);
    CHECK(status.elapsedSeconds >= 1.0);
    CHECK(status.currentFile == dir.file("Capstan_take01.wav").string());
    CHECK(status.droppedFrames == 0);
    CHECK(status.encoderLagSeconds < 1.0);
    recorder.release();
}

TEST_CASE("TakeRecorder: settings changed during a take apply to the next take", "[session]")
{
    REQUIRE(haveFfmpegTools());
    TestDir dir;
    TakeRecorder recorder;
    auto settings = settingsIn(dir);
    recorder.setSettings(settings);
    recorder.setTrackName("Keys");
    recorder.prepare(48000, 2, 512);
    Driver driver(recorder, 48000, 2);
    driver.run(0.3, true);
    settings.format = RecordingFormat::flac;
    settings.pattern = "%track%_flac_take%take%";
    recorder.setSettings(settings); // the take in progress keeps WAV 32f
    driver.run(0.3, true);
    driver.block(16, false);
    auto status = waitForTakes(driver, 1);
    REQUIRE(status.lastFiles.size() == 1);
    CHECK(fs::path(status.lastFiles[0]).filename() == "Keys_take01.wav");
    CHECK(compareSamples(decodeAudio<float>(status.lastFiles[0]), driver.expected[0], 2) == "identical");

    waitForReady(driver);
    driver.run(0.2, true);
    driver.block(16, false);
    status = waitForTakes(driver, 2);
    REQUIRE(status.lastFiles.size() == 1);
    CHECK(fs::path(status.lastFiles[0]).filename() == "Keys_flac_take02.flac");
    CHECK(probeStream(status.lastFiles[0]).text("codec_name") == "flac");
    CHECK(compareSamples(decodeAudio<float>(status.lastFiles[0]), driver.expected[1], 2) == "identical");
    recorder.release();
}

TEST_CASE("TakeRecorder: a silent input raises the signal warning in the status, and the take goes on", "[session]")
{
    // What the app's banner and the plugin's state label show: a muted or unrouted track records digital silence.
    TestDir dir;
    TakeRecorder recorder;
    recorder.setSettings(settingsIn(dir));
    recorder.prepare(48000, 2, 512);
    std::vector<float> zeros(512, 0.0f);
    const float* channels[] = {zeros.data(), zeros.data()};
    std::string warning;
    for (int block = 0; block < 7 * 48000 / 512; ++block)
    {
        recorder.process(channels, 2, 512, true);
        if (block % 64 == 0)
        {
            std::this_thread::sleep_for(2ms); // let the encoder thread keep up, as a real device's clock would
            if (warning.empty())
                warning = recorder.status().signalWarning;
        }
    }
    const auto deadline = std::chrono::steady_clock::now() + 5s;
    while (warning.empty() && std::chrono::steady_clock::now() < deadline)
    {
        std::this_thread::sleep_for(10ms);
        warning = recorder.status().signalWarning;
    }
    CHECK(recorder.status().state == State::recording);
    CHECK_THAT(warning, Catch::Contains("digital silence"));
    CHECK(recorder.status().silenceWarnings >= 1);
    recorder.release();
}
