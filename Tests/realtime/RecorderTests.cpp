// The Recorder decoded back by the ffmpeg CLI: exact samples, drops as silence at the right place, pre-roll,
// gapless splitting, MP4 finalization, video alignment, stats and errors.

#include "support/TestSupport.h"

#include <capstan/realtime/CallbackDriver.h>

#include <catch2/catch.hpp>

#include <chrono>
#include <fstream>
#include <sstream>
#include <thread>

using namespace capstan;
namespace fs = std::filesystem;

namespace
{
constexpr int rate = 48000;

/** Index of the first differing float (or the shorter length), -1 when equal. */
int64_t firstDifference(const std::vector<float>& a, const std::vector<float>& b)
{
    const size_t n = std::min(a.size(), b.size());
    for (size_t i = 0; i < n; ++i)
        if (a[i] != b[i])
            return int64_t(i);
    return a.size() == b.size() ? -1 : int64_t(n);
}

std::vector<float> decodeAll(const std::vector<std::string>& files)
{
    std::vector<float> all;
    for (const auto& f : files)
    {
        auto samples = test::decodeAudio<float>(f);
        all.insert(all.end(), samples.begin(), samples.end());
    }
    return all;
}

std::string readText(const fs::path& file)
{
    std::ifstream in(file);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

void waitUntilDrained(const Recorder& recorder)
{
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while ((recorder.stats().queueFill > 0 || recorder.freeBlocks() < recorder.totalBlocks() - 1) &&
           std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
}
} // namespace

TEST_CASE("random block sizes 1..4096 decode back bit-exact from FLAC and WAV", "[realtime][exact]")
{
    test::TestDir dir;
    RecorderConfig config;
    config.sampleRate = rate;
    config.numChannels = 2;
    config.outputs.push_back({.path = dir.file("take.flac").string(), .encoder = "flac", .encoderFormat = "s16"});
    config.outputs.push_back({.path = dir.file("take.wav").string(), .encoder = "pcm_f32le"});
    config.outputs.push_back({.path = dir.file("take16.wav").string(), .encoder = "pcm_s16le"});
    config.outputs.push_back({.path = dir.file("take.mka").string(), .encoder = "flac", .encoderFormat = "s16"});
    Recorder recorder(config);

    TestSignal signal({.kind = TestSignal::Kind::noise, .sampleRate = rate, .numChannels = 2, .seed = 3});
    CallbackDriver driver(signal, {.maxBlockFrames = 4096, .minBlockFrames = 1, .blockSeed = 11});
    recorder.start();
    const auto result = driver.run(recorder, 5 * rate + 12345);
    recorder.stop();

    const auto stats = recorder.stats();
    INFO(stats.toJson());
    REQUIRE(recorder.errors().empty());
    CHECK(stats.droppedFrames == 0);
    CHECK(stats.framesWritten == result.frames);
    CHECK(result.callbacks > 100);

    const auto expected = signal.interleaved(0, result.frames);
    for (const auto* name : {"take.flac", "take.wav", "take16.wav", "take.mka"})
    {
        INFO(name);
        const auto decoded = test::decodeAudio<float>(dir.file(name));
        CHECK(decoded.size() == expected.size());
        CHECK(firstDifference(decoded, expected) == -1);
    }
    // Nothing dropped, so no drop chapters (matroska would carry them).
    CHECK(test::probeChapters(dir.file("take.mka")).empty());
}

TEST_CASE("a stalled encoder: drops counted exactly, silence at the right place, push time bounded",
          "[realtime][overload]")
{
    test::TestDir dir;
    RecorderConfig config;
    config.sampleRate = rate;
    config.numChannels = 2;
    config.blockFrames = 1024;
    config.queueSeconds = 0.2;
    config.outputs.push_back({.path = dir.file("take.wav").string(), .encoder = "pcm_f32le"});
    config.outputs.push_back({.path = dir.file("take.flac").string(), .encoder = "flac", .encoderFormat = "s16"});
    config.outputs.push_back({.path = dir.file("take.mka").string(), .encoder = "flac", .encoderFormat = "s16"});
    config.outputs.push_back({.path = dir.file("take.mp4").string(), .encoder = "aac"});
    Recorder recorder(config);
    recorder.setEncoderStalledForTesting(true);
    recorder.start();

    const int64_t poolFrames = int64_t(recorder.totalBlocks()) * config.blockFrames;
    TestSignal signal({.kind = TestSignal::Kind::tone, .sampleRate = rate, .numChannels = 2});
    CallbackDriver driver(signal,
                          {.blockFrames = 480, .pacing = CallbackDriver::Pacing::burst, .measurePushTimes = true});

    // 1 s of audio into a 0.2 s pool with nobody draining it.
    const auto overload = driver.run(recorder, rate);
    const int64_t expectedDrop = rate - poolFrames;
    REQUIRE(expectedDrop > 0);
    {
        const auto stats = recorder.stats();
        CHECK(stats.droppedFrames == expectedDrop);
        CHECK(stats.dropCount == 1);
        CHECK(stats.queueFill == recorder.totalBlocks());
        CHECK(stats.queueHighWater == recorder.totalBlocks());
    }

    recorder.setEncoderStalledForTesting(false);
    waitUntilDrained(recorder);
    driver.setPacing(CallbackDriver::Pacing::fast);
    const auto after = driver.run(recorder, rate / 2);
    recorder.stop();

    const auto stats = recorder.stats();
    INFO(stats.toJson());
    REQUIRE(recorder.errors().empty());
    CHECK(stats.droppedFrames == expectedDrop);
    CHECK(stats.dropCount == 1);
    REQUIRE(stats.drops.size() == 1);
    CHECK(stats.drops[0] == DropInterval{poolFrames, expectedDrop});
    CHECK(stats.silenceFrames == expectedDrop);
    // Bounded, loosely: a push is a copy and a queue operation, never a wait on the stalled encoder (the stall lasts
    // seconds). ThreadSanitizer makes every memory access many times slower, so its bound is looser.
#if defined(__SANITIZE_THREAD__)
    constexpr double pushBound = 0.2;
#else
    constexpr double pushBound = 0.005;
#endif
    CHECK(overload.maxPushSeconds < pushBound);
    CHECK(after.maxPushSeconds < pushBound);

    const int64_t total = rate + rate / 2;
    auto expected = signal.interleaved(0, total);
    std::fill(expected.begin() + poolFrames * 2, expected.begin() + rate * 2, 0.0f);
    for (const auto* name : {"take.wav", "take.flac", "take.mka"})
    {
        INFO(name);
        const auto decoded = test::decodeAudio<float>(dir.file(name));
        CHECK(decoded.size() == size_t(total * 2));
        CHECK(firstDifference(decoded, expected) == -1);
        const std::string sidecar = readText(dir.file(std::string(name) + ".drops.json"));
        CHECK_THAT(sidecar, Catch::Contains("\"frame\":" + std::to_string(poolFrames) +
                                            ",\"frames\":" + std::to_string(expectedDrop)));
        CHECK_THAT(sidecar, Catch::Contains("\"complete\":true"));
    }

    // The drop is also in the containers that have chapters: a timeline of recorded / dropped / recorded.
    // Matroska keeps exact intervals; mp4 (remuxed after the fragmented recording) keeps start times, in ms.
    const double dropStart = double(poolFrames) / rate, dropEnd = 1.0, end = double(total) / rate;
    for (const auto* name : {"take.mka", "take.mp4"})
    {
        INFO(name);
        const auto chapters = test::probeChapters(dir.file(name));
        REQUIRE(chapters.size() == 3);
        const double tolerance = std::string(name).ends_with(".mp4") ? 0.001 : 1e-6;
        CHECK(chapters[0].title == "recorded");
        CHECK(chapters[0].start == Approx(0.0).margin(tolerance));
        CHECK(chapters[1].title == "dropped " + std::to_string(expectedDrop) + " samples (silence)");
        CHECK(chapters[1].start == Approx(dropStart).margin(tolerance));
        CHECK(chapters[2].title == "recorded");
        CHECK(chapters[2].start == Approx(dropEnd).margin(tolerance));
        if (std::string(name).ends_with(".mka"))
        {
            CHECK(chapters[1].end == Approx(dropEnd).margin(tolerance));
            CHECK(chapters[2].end == Approx(end).margin(tolerance));
        }
    }
}

TEST_CASE("a drop at the very end is filled up to the stop position", "[realtime][overload]")
{
    test::TestDir dir;
    RecorderConfig config;
    config.sampleRate = rate;
    config.numChannels = 1;
    config.queueSeconds = 0.05;
    config.outputs.push_back({.path = dir.file("take.wav").string(), .encoder = "pcm_f32le"});
    Recorder recorder(config);
    recorder.setEncoderStalledForTesting(true);
    recorder.start();
    TestSignal signal({.kind = TestSignal::Kind::noise, .sampleRate = rate, .numChannels = 1});
    CallbackDriver driver(signal, {.blockFrames = 100, .pacing = CallbackDriver::Pacing::burst});
    driver.run(recorder, rate / 2);
    recorder.stop(); // releases the stall and drains
    const auto stats = recorder.stats();
    const int64_t poolFrames = int64_t(recorder.totalBlocks()) * config.blockFrames;
    CHECK(stats.droppedFrames == rate / 2 - poolFrames);
    const auto decoded = test::decodeAudio<float>(dir.file("take.wav"));
    CHECK(decoded.size() == size_t(rate / 2));
    auto expected = signal.interleaved(0, rate / 2);
    std::fill(expected.begin() + poolFrames, expected.end(), 0.0f);
    CHECK(firstDifference(decoded, expected) == -1);
}

TEST_CASE("pre-roll: the last N seconds before start() are at the head of the file", "[realtime][preroll]")
{
    for (const double armedSeconds : {1.3, 0.2})
    {
        DYNAMIC_SECTION("armed for " << armedSeconds << " s")
        {
            test::TestDir dir;
            RecorderConfig config;
            config.sampleRate = rate;
            config.numChannels = 2;
            config.preRollSeconds = 0.5;
            config.outputs.push_back(
                {.path = dir.file("take.flac").string(), .encoder = "flac", .encoderFormat = "s16"});
            Recorder recorder(config);
            TestSignal signal({.kind = TestSignal::Kind::noise, .sampleRate = rate, .numChannels = 2, .seed = 5});
            CallbackDriver driver(signal, {.maxBlockFrames = 1500, .minBlockFrames = 1, .blockSeed = 2});
            recorder.arm();
            const int64_t armedFrames = int64_t(armedSeconds * rate);
            driver.run(recorder, armedFrames);
            recorder.start();
            driver.run(recorder, rate);
            recorder.stop();

            REQUIRE(recorder.errors().empty());
            const int64_t headFrames = std::min<int64_t>(armedFrames, rate / 2);
            const auto expected = signal.interleaved(armedFrames - headFrames, headFrames + rate);
            const auto decoded = test::decodeAudio<float>(dir.file("take.flac"));
            CHECK(decoded.size() == expected.size());
            CHECK(firstDifference(decoded, expected) == -1);
            CHECK(recorder.stats().framesWritten == headFrames + rate);
        }
    }
}

TEST_CASE("start(fromPosition) begins sample-exact in the past (pre-roll ring) or in the future", "[realtime][preroll]")
{
    // (frames pushed while armed, requested start, frames pushed after start(), first frame written)
    struct Case
    {
        int64_t armed, from, after, expectedFirst;
    };
    for (const Case c : {Case{30000, 12345, 20000, 12345}, Case{30000, 30000, 5000, 30000},
                         Case{30000, 41000, 20000, 41000}, Case{60000, 100, 4000, 60000 - rate / 2}})
    {
        DYNAMIC_SECTION("armed " << c.armed << " from " << c.from)
        {
            test::TestDir dir;
            RecorderConfig config;
            config.sampleRate = rate;
            config.numChannels = 2;
            config.preRollSeconds = 0.5; // the ring: 24000 frames
            config.outputs.push_back({.path = dir.file("take.wav").string(), .encoder = "pcm_f32le"});
            Recorder recorder(config);
            TestSignal signal({.kind = TestSignal::Kind::noise, .sampleRate = rate, .numChannels = 2, .seed = 9});
            CallbackDriver driver(signal, {.maxBlockFrames = 700, .minBlockFrames = 1, .blockSeed = 4});
            recorder.arm();
            driver.run(recorder, c.armed);
            recorder.start(c.from);
            driver.run(recorder, c.after);
            recorder.stop();

            REQUIRE(recorder.errors().empty());
            const int64_t end = c.armed + c.after;
            const auto expected = signal.interleaved(c.expectedFirst, end - c.expectedFirst);
            const auto decoded = test::decodeAudio<float>(dir.file("take.wav"));
            CHECK(decoded.size() == expected.size());
            CHECK(firstDifference(decoded, expected) == -1);
        }
    }
    Recorder recorder({.outputs = {{.path = "unused.wav"}}});
    CHECK_THROWS_WITH(recorder.start(-1), Catch::Contains("fromPosition -1 is negative"));
}

TEST_CASE("split by duration is gapless: segments concatenate to exactly the recorded samples", "[realtime][split]")
{
    test::TestDir dir;
    RecorderConfig config;
    config.sampleRate = rate;
    config.numChannels = 2;
    config.splitSeconds = 0.7;
    config.preRollSeconds = 0.25;
    config.outputs.push_back({.path = dir.file("take.flac").string(), .encoder = "flac", .encoderFormat = "s16"});
    config.outputs.push_back({.path = dir.file("take.wav").string(), .encoder = "pcm_f32le"});
    Recorder recorder(config);
    TestSignal signal({.kind = TestSignal::Kind::noise, .sampleRate = rate, .numChannels = 2, .seed = 9});
    CallbackDriver driver(signal, {.maxBlockFrames = 4096, .minBlockFrames = 1, .blockSeed = 4});
    recorder.arm();
    driver.run(recorder, rate / 2);
    recorder.start();
    driver.run(recorder, 3 * rate + 777);
    recorder.stop();
    REQUIRE(recorder.errors().empty());

    const int64_t total = rate / 4 + 3 * rate + 777;
    const auto expected = signal.interleaved(rate / 2 - rate / 4, total);
    const int64_t segmentFrames = int64_t(0.7 * rate);
    const int64_t numSegments = (total + segmentFrames - 1) / segmentFrames;
    for (const auto* ext : {"flac", "wav"})
    {
        INFO(ext);
        std::vector<std::string> files;
        for (int64_t i = 1; i <= numSegments; ++i)
        {
            char name[32];
            std::snprintf(name, sizeof(name), "take-%03d.%s", int(i), ext);
            REQUIRE(fs::exists(dir.file(name)));
            files.push_back(dir.file(name).string());
            const auto segment = test::decodeAudio<float>(dir.file(name));
            CHECK(int64_t(segment.size()) == 2 * std::min(segmentFrames, total - (i - 1) * segmentFrames));
        }
        char extra[32];
        std::snprintf(extra, sizeof(extra), "take-%03d.%s", int(numSegments + 1), ext);
        CHECK_FALSE(fs::exists(dir.file(extra)));
        const auto decoded = decodeAll(files);
        CHECK(decoded.size() == expected.size());
        CHECK(firstDifference(decoded, expected) == -1);
    }
    CHECK(recorder.stats().segments == 2 * numSegments);
}

TEST_CASE("split by size is gapless too", "[realtime][split]")
{
    test::TestDir dir;
    RecorderConfig config;
    config.sampleRate = rate;
    config.numChannels = 2;
    config.splitBytes = 150000;
    config.outputs.push_back({.path = dir.file("take.wav").string(), .encoder = "pcm_s16le"});
    Recorder recorder(config);
    TestSignal signal({.kind = TestSignal::Kind::tone, .sampleRate = rate, .numChannels = 2});
    CallbackDriver driver(signal, {.maxBlockFrames = 2048, .minBlockFrames = 1});
    recorder.start();
    driver.run(recorder, 4 * rate);
    recorder.stop();
    REQUIRE(recorder.errors().empty());
    const auto files = recorder.files();
    REQUIRE(files.size() >= 4);
    for (size_t i = 0; i + 1 < files.size(); ++i)
        CHECK(fs::file_size(files[i]) >= 150000);
    const auto decoded = decodeAll(files);
    const auto expected = signal.interleaved(0, 4 * rate);
    CHECK(decoded.size() == expected.size());
    CHECK(firstDifference(decoded, expected) == -1);
}

TEST_CASE("MP4 is fragmented while recording and seekable after a clean stop", "[realtime][mp4]")
{
    test::TestDir dir;
    RecorderConfig config;
    config.sampleRate = rate;
    config.numChannels = 2;
    config.outputs.push_back({.path = dir.file("take.mp4").string(), .encoder = "aac"});
    config.outputs.push_back({.path = dir.file("raw.mp4").string(), .encoder = "aac", .crashSafe = false});
    Recorder recorder(config);
    TestSignal signal({.kind = TestSignal::Kind::tone, .sampleRate = rate, .numChannels = 2});
    CallbackDriver driver(signal, {.blockFrames = 256});
    recorder.start();
    driver.run(recorder, rate);
    // Mid-recording the file already has fragments (moof boxes) on disk.
    std::this_thread::sleep_for(std::chrono::milliseconds(600));
    const auto during = test::readFileBytes(dir.file("take.mp4"));
    const std::string duringText(during.begin(), during.end());
    CHECK(duringText.find("moof") != std::string::npos);
    driver.run(recorder, rate);
    recorder.stop();
    INFO(recorder.stats().toJson());
    REQUIRE(recorder.errors().empty());

    const auto bytes = test::readFileBytes(dir.file("take.mp4"));
    const std::string text(bytes.begin(), bytes.end());
    CHECK(text.find("moof") == std::string::npos); // remuxed: one moov, no fragments
    CHECK(text.find("moov") < text.find("mdat"));  // and seekable from the front
    const auto format = test::probeFormat(dir.file("take.mp4"));
    CHECK(format.number("duration") == Approx(2.0).margin(0.05));
    CHECK_FALSE(fs::exists(dir.file("take.mp4.remux.tmp")));
}

TEST_CASE("video frames carry the audio clock: the streams stay aligned", "[realtime][video]")
{
    test::TestDir dir;
    RecorderConfig config;
    config.sampleRate = rate;
    config.numChannels = 2;
    config.video = {
        .enabled = true, .width = 160, .height = 120, .frameRate = {30, 1}, .encoder = "mpeg4", .queueFrames = 8};
    config.outputs.push_back({.path = dir.file("take.mkv").string(), .encoder = "flac", .withVideo = true});
    config.outputs.push_back({.path = dir.file("audio.flac").string(), .encoder = "flac"});
    Recorder recorder(config);
    TestSignal signal({.kind = TestSignal::Kind::tone, .sampleRate = rate, .numChannels = 2});
    CallbackDriver driver(signal, {.blockFrames = 400, .pacing = CallbackDriver::Pacing::realtime});
    recorder.start();

    // A producer thread pushes a frame each time the audio clock passes a frame boundary (as a visualizer would).
    std::atomic<bool> done{false};
    std::atomic<int> pushed{0}, attempts{0};
    std::thread producer(
        [&]
        {
            const auto frames = test::generateVideoFrames(PixelFormat::rgb24, 160, 120, 8);
            const size_t frameBytes = size_t(160 * 120 * 3);
            int64_t nextFrame = 0;
            while (!done.load())
            {
                const int64_t clock = recorder.stats().framesPushed;
                if (clock * 30 >= nextFrame * rate)
                {
                    ++attempts;
                    if (recorder.pushVideoFrame(frames.data() + size_t(nextFrame % 8) * frameBytes, frameBytes))
                        ++pushed;
                    ++nextFrame;
                }
                else
                    std::this_thread::sleep_for(std::chrono::microseconds(200));
            }
        });
    driver.run(recorder, 2 * rate);
    done = true;
    producer.join();
    recorder.stop();
    const auto stats = recorder.stats();
    INFO(stats.toJson());
    REQUIRE(recorder.errors().empty());
    // A frame pushed late (producer preempted) can land on the same frame slot as its predecessor: it is then
    // skipped and counted, never written with a duplicate time.
    CHECK(pushed.load() >= 50);
    CHECK(stats.videoFramesWritten >= 45);
    CHECK(stats.videoFramesWritten + stats.videoFramesDropped == attempts.load());

    const auto pts = test::probeFramePts(dir.file("take.mkv"), "v:0");
    REQUIRE(int64_t(pts.size()) == stats.videoFramesWritten);
    // Frame k was pushed when the audio clock reached k/30 s, so its pts is k/30 (to the container's ms).
    int misplaced = 0;
    for (size_t k = 0; k < pts.size(); ++k)
        if (std::abs(pts[k] - std::round(pts[k] * 30.0) / 30.0) > 0.002)
            ++misplaced;
    CHECK(misplaced == 0);
    CHECK(pts.back() <= 2.0 + 1e-9);
    const auto audio = test::probeStream(dir.file("take.mkv"), "a:0", true);
    INFO(audio.describe());
}

TEST_CASE("stats are live and complete", "[realtime][stats]")
{
    test::TestDir dir;
    RecorderConfig config;
    config.sampleRate = rate;
    config.numChannels = 2;
    config.outputs.push_back({.path = dir.file("take.flac").string(), .encoder = "flac"});
    Recorder recorder(config);
    TestSignal signal({.kind = TestSignal::Kind::noise, .sampleRate = rate, .numChannels = 2});
    CallbackDriver driver(signal, {.blockFrames = 512, .pacing = CallbackDriver::Pacing::realtime});
    recorder.start();
    driver.run(recorder, rate + rate / 2);
    const auto live = recorder.stats();
    recorder.stop();
    const auto final = recorder.stats();
    INFO(final.toJson());
    CHECK(live.framesPushed == rate + rate / 2);
    CHECK(live.bytesWritten > 0);
    CHECK(live.diskFreeBytes > 0);
    CHECK(live.secondsUntilDiskFull > 0);
    CHECK(live.encoderLagSeconds < 0.5);
    CHECK(final.queueHighWater >= 1);
    CHECK(final.queueCapacity == recorder.totalBlocks());
    CHECK(final.framesWritten == rate + rate / 2);
    CHECK(final.blocksWritten > 0);
    // Bytes handed to the destination: the file, plus the header FLAC rewrites in place at the end.
    CHECK(final.bytesWritten >= int64_t(fs::file_size(dir.file("take.flac"))));
    CHECK(final.bytesWritten <= int64_t(fs::file_size(dir.file("take.flac"))) + 1024);
    CHECK(final.encoderLagSeconds == 0.0);
    CHECK(final.segments == 1);
    CHECK(final.toJson().find("\"error\":null") != std::string::npos);
}

TEST_CASE("bad configuration and unwritable outputs give one clear error", "[realtime][errors]")
{
    RecorderConfig config;
    config.numChannels = 0;
    config.outputs.push_back({.path = "x.wav"});
    CHECK_THROWS_WITH(Recorder(config), Catch::Contains("numChannels 0") && Catch::Contains("1..64"));

    config.numChannels = 2;
    config.outputs.clear();
    CHECK_THROWS_WITH(Recorder(config), Catch::Contains("no outputs"));

    config.outputs.push_back({.path = "x.wav", .withVideo = true});
    CHECK_THROWS_WITH(Recorder(config), Catch::Contains("video"));

    test::TestDir dir;
    config.outputs = {{.path = dir.file("ok.wav").string()},
                      {.path = (dir.path() / "missing" / "folder" / "take.wav").string()}};
    Recorder recorder(config);
    CHECK_THROWS_WITH(recorder.start(), Catch::Contains("missing/folder/take.wav"));
    CHECK(recorder.state() == Recorder::State::armed);
    recorder.stop();
}
