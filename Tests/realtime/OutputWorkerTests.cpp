// One worker per output: a slow output loses audio of its own (silence, counted, listed at consistent positions)
// while the others keep every sample. The slow output is a test hook that stops its worker; nothing is timed.

#include "support/TestSupport.h"

#include <capstan/realtime/Recorder.h>
#include <capstan/realtime/TestSignal.h>

#include <catch2/catch.hpp>

#include <chrono>
#include <fstream>
#include <regex>
#include <sstream>
#include <thread>

using namespace capstan;
namespace fs = std::filesystem;

namespace
{
constexpr int rate = 48000;
constexpr int blockFrames = 1024;

std::string readText(const fs::path& file)
{
    std::ifstream in(file);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

/** The sidecar's drop intervals: (frame, frames) pairs. */
std::vector<std::pair<int64_t, int64_t>> sidecarDrops(const fs::path& file)
{
    std::vector<std::pair<int64_t, int64_t>> drops;
    const std::string text = readText(file.string() + ".drops.json");
    const auto list = text.find("\"drops\":[");
    const auto end = text.find(']', list);
    if (list == std::string::npos || end == std::string::npos)
        return drops;
    const std::string section = text.substr(list, end - list);
    const std::regex interval("\"frame\":(\\d+),\"frames\":(\\d+)");
    for (std::sregex_iterator it(section.begin(), section.end(), interval), last; it != last; ++it)
        drops.emplace_back(std::stoll((*it)[1]), std::stoll((*it)[2]));
    return drops;
}

template <typename Condition>
void waitFor(const Recorder& recorder, Condition condition)
{
    // A generous bound against a hang, not a timing assertion.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (!condition() && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    INFO(recorder.stats().toJson() << " free " << recorder.freeBlocks());
    REQUIRE(condition());
}

/** Pushes whole pool blocks of the signal like a device: each block is handed over, taken by the encoder thread and
    written by the outputs that keep up before the next one comes, so the audio thread never runs out of blocks. */
struct BlockPusher
{
    Recorder& recorder;
    const TestSignal& signal;
    std::vector<size_t> keepingUp; ///< the outputs that are not slow
    int64_t position = 0;
    std::vector<float> storage = std::vector<float>(size_t(2 * blockFrames));

    void push(int numBlocks)
    {
        float* channels[2] = {storage.data(), storage.data() + blockFrames};
        for (int i = 0; i < numBlocks; ++i)
        {
            signal.render(channels, position, blockFrames);
            recorder.pushAudio(channels, 2, blockFrames);
            position += blockFrames;
            waitFor(recorder,
                    [this]
                    {
                        const auto stats = recorder.stats();
                        bool written = stats.framesWritten == position;
                        for (const size_t output : keepingUp)
                            written = written && stats.outputs[output].framesWritten == position;
                        return written;
                    });
        }
    }
};

RecorderConfig threeOutputs(const test::TestDir& dir)
{
    RecorderConfig config;
    config.sampleRate = rate;
    config.numChannels = 2;
    config.blockFrames = blockFrames;
    config.queueSeconds = 0.2; // 10 blocks per output
    config.outputs.push_back({.path = dir.file("a.flac").string(), .encoder = "flac", .encoderFormat = "s16"});
    config.outputs.push_back({.path = dir.file("slow.mka").string(), .encoder = "flac", .encoderFormat = "s16"});
    config.outputs.push_back({.path = dir.file("c.wav").string(), .encoder = "pcm_f32le"});
    return config;
}

/** `decoded` is `expected` with zeros in [from, to) (frames, stereo). */
void checkSilencedBetween(const std::vector<float>& decoded, const std::vector<float>& expected, int64_t from,
                          int64_t to)
{
    REQUIRE(decoded.size() == expected.size());
    int64_t wrong = 0;
    for (size_t i = 0; i < decoded.size(); ++i)
    {
        const int64_t frame = int64_t(i / 2);
        const float want = frame >= from && frame < to ? 0.0f : expected[i];
        wrong += decoded[i] != want ? 1 : 0;
    }
    CHECK(wrong == 0);
}
} // namespace

TEST_CASE("a slow output loses blocks of its own, the others keep every sample", "[realtime][workers]")
{
    test::TestDir dir;
    const RecorderConfig config = threeOutputs(dir);
    Recorder recorder(config);
    recorder.setOutputStalledForTesting(1, true); // slow.mka takes nothing: a disk or encoder that stopped
    recorder.start();
    const int perOutput = recorder.blocksPerOutput();
    REQUIRE(perOutput == 10);
    REQUIRE(recorder.totalBlocks() == 2 * perOutput + 1); // the others keep a whole queue of room

    TestSignal signal({.kind = TestSignal::Kind::noise, .sampleRate = rate, .numChannels = 2, .seed = 5});
    BlockPusher pusher{recorder, signal, {0, 2}};
    // Four times what the slow output may hold. The pool never runs dry: the slow output stops taking blocks.
    pusher.push(4 * perOutput);
    const int64_t stalledUntil = pusher.position;

    recorder.setOutputStalledForTesting(1, false);
    waitFor(recorder, [&] { return recorder.freeBlocks() == recorder.totalBlocks(); }); // it caught up
    pusher.push(2 * perOutput);
    recorder.stop();

    const auto stats = recorder.stats();
    INFO(stats.toJson());
    REQUIRE(recorder.errors().empty());
    CHECK(stats.droppedFrames == 0); // the audio thread never ran out of blocks
    CHECK(stats.dropIntervals == 0); // no drop common to every output
    CHECK(stats.outputs[0].framesNotSent == 0);
    CHECK(stats.outputs[2].framesNotSent == 0);

    // The slow output kept its first blocks (a queue's worth, or one more if the others had not quite handed the last
    // one back), then lost whole blocks up to where it caught up: one interval, on block boundaries.
    const auto drops = sidecarDrops(dir.file("slow.mka"));
    REQUIRE(drops.size() == 1);
    const auto [from, frames] = drops.front();
    CHECK(from % blockFrames == 0);
    CHECK(from >= int64_t(perOutput) * blockFrames);
    CHECK(from <= int64_t(perOutput + 1) * blockFrames);
    CHECK(from + frames == stalledUntil);
    CHECK(stats.outputs[1].framesNotSent == frames);
    CHECK_FALSE(fs::exists(dir.file("a.flac.drops.json")));
    CHECK_FALSE(fs::exists(dir.file("c.wav.drops.json")));

    const auto expected = signal.interleaved(0, pusher.position);
    CHECK(test::decodeAudio<float>(dir.file("a.flac")) == expected);
    CHECK(test::decodeAudio<float>(dir.file("c.wav")) == expected);
    // Same length as the others: the lost blocks are silence at their place on the timeline.
    checkSilencedBetween(test::decodeAudio<float>(dir.file("slow.mka")), expected, from, from + frames);

    // Matroska carries the loss as chapters, like any drop.
    const auto chapters = test::probeChapters(dir.file("slow.mka"));
    REQUIRE(chapters.size() == 3);
    CHECK(chapters[1].title == "dropped " + std::to_string(frames) + " samples (silence)");
    CHECK(chapters[1].start == Approx(double(from) / rate).margin(0.001));
    CHECK(test::probeChapters(dir.file("a.flac")).empty());
}

TEST_CASE("an output still stalled at stop() is finalized, its loss running to the end", "[realtime][workers]")
{
    test::TestDir dir;
    const RecorderConfig config = threeOutputs(dir);
    Recorder recorder(config);
    recorder.setOutputStalledForTesting(1, true);
    recorder.start();
    const int perOutput = recorder.blocksPerOutput();

    TestSignal signal({.kind = TestSignal::Kind::noise, .sampleRate = rate, .numChannels = 2, .seed = 6});
    BlockPusher pusher{recorder, signal, {0, 2}};
    pusher.push(3 * perOutput);
    recorder.stop(); // ends the stall: the slow output writes what it holds, then its loss as silence

    const auto stats = recorder.stats();
    INFO(stats.toJson());
    REQUIRE(recorder.errors().empty());
    CHECK(stats.droppedFrames == 0);
    const auto drops = sidecarDrops(dir.file("slow.mka"));
    REQUIRE(drops.size() == 1);
    CHECK(drops.front().first % blockFrames == 0);
    CHECK(drops.front().first + drops.front().second == pusher.position);
    CHECK(stats.outputs[1].framesNotSent == drops.front().second);
    CHECK_THAT(readText(dir.file("slow.mka").string() + ".drops.json"), Catch::Contains("\"complete\":true"));

    const auto expected = signal.interleaved(0, pusher.position);
    CHECK(test::decodeAudio<float>(dir.file("a.flac")) == expected);
    CHECK(test::decodeAudio<float>(dir.file("c.wav")) == expected);
    checkSilencedBetween(test::decodeAudio<float>(dir.file("slow.mka")), expected, drops.front().first,
                         pusher.position);
}

TEST_CASE("drops of the audio thread land at the same positions in every output", "[realtime][workers]")
{
    test::TestDir dir;
    const RecorderConfig config = threeOutputs(dir);
    Recorder recorder(config);
    recorder.setEncoderStalledForTesting(true); // nothing leaves the queue: the pool runs dry
    recorder.start();
    const int total = recorder.totalBlocks();

    TestSignal signal({.kind = TestSignal::Kind::noise, .sampleRate = rate, .numChannels = 2, .seed = 7});
    std::vector<float> storage(size_t(2 * blockFrames));
    float* channels[2] = {storage.data(), storage.data() + blockFrames};
    int64_t position = 0;
    for (int i = 0; i < total + 5; ++i, position += blockFrames)
    {
        signal.render(channels, position, blockFrames);
        recorder.pushAudio(channels, 2, blockFrames);
    }
    recorder.setEncoderStalledForTesting(false);
    // A whole pool reaches every worker at once: all are equally late, none is singled out.
    waitFor(recorder, [&] { return recorder.freeBlocks() == recorder.totalBlocks(); });
    BlockPusher pusher{recorder, signal, {0, 1, 2}, position};
    pusher.push(10);
    recorder.stop();

    const auto stats = recorder.stats();
    INFO(stats.toJson());
    REQUIRE(recorder.errors().empty());
    const int64_t dropFrom = int64_t(total) * blockFrames, dropFrames = 5 * blockFrames;
    CHECK(stats.droppedFrames == dropFrames);
    REQUIRE(stats.drops.size() == 1);
    CHECK(stats.drops[0] == DropInterval{dropFrom, dropFrames});
    const auto expected = signal.interleaved(0, pusher.position);
    for (int i = 0; i < 3; ++i)
    {
        const auto file = dir.file(fs::path(config.outputs[size_t(i)].path).filename().string());
        INFO(file);
        CHECK(stats.outputs[size_t(i)].framesNotSent == 0);
        CHECK(sidecarDrops(file) == std::vector<std::pair<int64_t, int64_t>>{{dropFrom, dropFrames}});
        checkSilencedBetween(test::decodeAudio<float>(file), expected, dropFrom, dropFrom + dropFrames);
    }
}
