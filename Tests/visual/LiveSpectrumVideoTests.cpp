// The spectrum visualizer as the real-time recorder's live video: `capstan record --visualize` run as a user runs
// it, and the Recorder's positioned pushVideoFrame(); files are judged with ffprobe/ffmpeg, not with our own reader.

#include "support/TestSupport.h"

#include <capstan/realtime/Recorder.h>
#include <capstan/visual/LiveSpectrumVideo.h>
#include <capstan/visual/SpectrumVisualizer.h>

#include <catch2/catch.hpp>

#include <chrono>
#include <cmath>
#include <sstream>
#include <thread>

using namespace capstan;
using namespace capstan::test;

namespace
{
/** Checks a `capstan record --visualize` output: frame count, exact times, lengths, and a drawn picture. */
void checkLiveVisualization(const fs::path& output, double seconds, Rational fps, int width, int height)
{
    const auto video = probeStream(output, "v:0", true);
    const auto audio = probeStream(output, "a:0");
    INFO(video.describe());
    INFO(audio.describe());
    CHECK(video.text("codec_name") == "h264");
    CHECK(video.text("pix_fmt") == "yuv420p");
    CHECK(video.integer("width") == width);
    CHECK(video.integer("height") == height);

    // As SpectrumVisualizer defines it: every frame whose time i / fps falls inside the audio.
    const int64_t expectedFrames =
        SpectrumVisualizer::frameCountFor(int64_t(std::llround(seconds * 48000)), 48000, fps);
    CHECK(expectedFrames == int64_t(std::ceil(seconds * fps.num / fps.den - 1e-9)));
    CHECK(video.integer("nb_read_frames") == expectedFrames);

    // Frame i at exactly i / fps: pts * tb == i * den / num, compared in integers.
    const auto timing = probeVideoTiming(output);
    REQUIRE(int64_t(timing.pts.size()) == expectedFrames);
    for (size_t i = 0; i < timing.pts.size(); ++i)
    {
        CAPTURE(i, timing.pts[i], timing.timeBaseNum, timing.timeBaseDen);
        REQUIRE(timing.pts[i] * timing.timeBaseNum * fps.num == int64_t(i) * timing.timeBaseDen * fps.den);
    }

    // Audio and video the same length, within one frame period.
    const double period = double(fps.den) / fps.num;
    CHECK(audio.number("duration") == Approx(seconds).margin(0.05)); // AAC's last frame is padded
    CHECK(std::abs(video.number("duration") - audio.number("duration")) < period);

    // The picture is the tone's spectrum, not a blank: a middle frame has the fill colour.
    const std::string select = "select=eq(n\\," + std::to_string(expectedFrames / 2) + ")";
    const auto pixels = decodeVideoBytes(output, "rgb24", {"-vf", select, "-frames:v", "1"});
    REQUIRE(pixels.size() == size_t(width * height * 3));
    int reddish = 0;
    for (size_t i = 0; i < pixels.size(); i += 3)
        reddish += (pixels[i] > 150 && pixels[i + 2] < 140) ? 1 : 0;
    CHECK(reddish > 100);
}
} // namespace

TEST_CASE("capstan record --visualize records the live spectrum video with the audio (fast pace)", "[visual][cli]")
{
    REQUIRE(haveFfmpegTools());
    const TestDir dir;
    const auto output = dir.file("take.mp4");
    const auto flac = dir.file("take.flac");
    const auto result = runCapstan({"record", output.string(), flac.string(), "--visualize", "--duration", "3",
                                    "--pace", "fast", "--source", "tone"});
    INFO(result.out);
    INFO(result.err);
    REQUIRE(result.exitCode == 0);
    // Nothing missed by the picture, nothing refused by the recorder.
    CHECK_THAT(result.out, Catch::Contains("video: 60 spectrum frames\n"));
    checkLiveVisualization(output, 3.0, {20, 1}, 320, 240);
    // The audio-only output stays audio-only.
    const auto counts = probeStreamCounts(flac);
    CHECK(counts.count("video") == 0);
    CHECK(counts.at("audio") == 1);
}

TEST_CASE("capstan record --visualize in real time, other size and frame rate", "[visual][cli]")
{
    REQUIRE(haveFfmpegTools());
    const TestDir dir;
    const auto output = dir.file("take.mp4");
    const auto result = runCapstan({"record", output.string(), "--visualize", "160x96", "--fps", "25", "--duration",
                                    "2", "--pace", "realtime", "--source", "tone"});
    INFO(result.out);
    INFO(result.err);
    REQUIRE(result.exitCode == 0);
    CHECK_THAT(result.out, Catch::Contains("video: 50 spectrum frames\n"));
    checkLiveVisualization(output, 2.0, {25, 1}, 160, 96);
}

TEST_CASE("capstan record --visualize rejects bad arguments with one clear line", "[visual][cli]")
{
    const TestDir dir;
    auto bad = runCapstan({"record", dir.file("a.flac").string(), "--visualize", "--duration", "1", "--pace", "fast"});
    CHECK(bad.exitCode == 2);
    CHECK_THAT(bad.err, Catch::Contains("--visualize") && Catch::Contains(".mp4"));

    bad = runCapstan({"record", dir.file("a.mp4").string(), "--visualize=321x240", "--duration", "1"});
    CHECK(bad.exitCode == 2);
    CHECK_THAT(bad.err, Catch::Contains("--visualize") && Catch::Contains("even"));

    bad = runCapstan({"record", dir.file("a.mp4").string(), "--fps", "25", "--duration", "1"});
    CHECK(bad.exitCode == 2);
    CHECK_THAT(bad.err, Catch::Contains("--fps"));
}

TEST_CASE("Recorder::pushVideoFrame with a sample position lands frame i at exactly i / fps", "[visual][realtime]")
{
    REQUIRE(haveFfmpegTools());
    const TestDir dir;
    const int rate = 44100;
    const Rational fps{30000, 1001}; // the hop alternates between 1471 and 1472 samples
    const int width = 64, height = 48;
    Recorder recorder({.sampleRate = rate,
                       .numChannels = 1,
                       // Default muxer options on purpose: the recorder's crash-safe MP4 must keep frame i at i / fps
                       // even though AAC's priming makes the audio's first timestamps negative.
                       .outputs = {{.path = dir.file("take.mp4").string(), .withVideo = true}},
                       .video = {.enabled = true,
                                 .width = width,
                                 .height = height,
                                 .frameRate = fps,
                                 .format = PixelFormat::bgra,
                                 .encoder = "libx264",
                                 .encoderFormat = "yuv420p",
                                 .encoderOptions = {{"tune", "zerolatency"}}}});
    recorder.start();

    // Frames 0..59 but not those with i % 3 == 1, each pushed well after its time and by a varying delay (as a
    // visualizer delivers them): stamped at push time they would land on later, unevenly spaced slots. (A constant
    // delay would not show: the MP4 starts its video track at its first frame.)
    std::vector<int64_t> expected;
    for (int64_t i = 0; i < 60; ++i)
        if (i % 3 != 1)
            expected.push_back(i);
    const std::vector<uint8_t> picture(size_t(width * height * 4), 0x80);
    std::vector<float> block(441, 0.25f);
    const float* channels[] = {block.data()};
    int64_t clock = 0;
    size_t next = 0;
    const int64_t totalFrames = SpectrumVisualizer::frameCentreSample(60, rate, fps);
    while (clock < totalFrames || next < expected.size())
    {
        recorder.pushAudio(channels, 1, int(block.size()));
        clock += int64_t(block.size());
        while (next < expected.size() && clock >= SpectrumVisualizer::frameCentreSample(expected[next], rate, fps) +
                                                      5000 + (expected[next] % 4) * 1500)
        {
            const int64_t position = SpectrumVisualizer::frameCentreSample(expected[next], rate, fps);
            bool accepted = false;
            for (int attempt = 0; attempt < 5000 && !accepted; ++attempt)
            {
                accepted = recorder.pushVideoFrame(picture.data(), picture.size(), position);
                if (!accepted)
                    std::this_thread::sleep_for(std::chrono::milliseconds(1)); // queue full: the encoder catches up
            }
            REQUIRE(accepted);
            ++next;
        }
    }
    CHECK_FALSE(recorder.pushVideoFrame(picture.data(), picture.size(), int64_t(-1)));
    recorder.stop();
    INFO(recorder.stats().toJson());
    REQUIRE(recorder.errors().empty());
    CHECK(recorder.stats().videoFramesWritten == int64_t(expected.size()));

    const auto timing = probeVideoTiming(dir.file("take.mp4"));
    REQUIRE(timing.pts.size() == expected.size());
    for (size_t k = 0; k < expected.size(); ++k)
    {
        CAPTURE(k, expected[k], timing.pts[k], timing.timeBaseNum, timing.timeBaseDen);
        CHECK(timing.pts[k] * timing.timeBaseNum * fps.num == expected[k] * timing.timeBaseDen * fps.den);
    }
}

TEST_CASE("LiveSpectrumVideo refuses a recorder whose video does not match", "[visual][realtime]")
{
    const TestDir dir;
    Recorder audioOnly({.sampleRate = 48000, .numChannels = 2, .outputs = {{.path = dir.file("a.flac").string()}}});
    CHECK_THROWS_WITH(LiveSpectrumVideo(audioOnly, {}), Catch::Contains("no video stream"));

    Recorder rgb({.sampleRate = 48000,
                  .numChannels = 2,
                  .outputs = {{.path = dir.file("a.mkv").string(), .withVideo = true}},
                  .video = {.enabled = true, .width = 320, .height = 240, .frameRate = {20, 1}}});
    CHECK_THROWS_WITH(LiveSpectrumVideo(rgb, {}), Catch::Contains("bgra"));
}
