// `capstan visualize`, run as a user runs it; the output is judged with ffprobe/ffmpeg, not with our own reader.

#include "support/TestSupport.h"

#include <capstan/media/StreamWriter.h>

#include <catch2/catch.hpp>

#include <sstream>

using namespace capstan;
using namespace capstan::test;

namespace
{
/** `seconds` of 44.1 kHz stereo float (a chirp) in a wav, written through StreamWriter. */
fs::path makeInput(const TestDir& dir, double seconds, int sampleRate = 44100)
{
    const auto path = dir.file("input.wav");
    const auto buffer = AudioBuffer::generate({.waveform = Waveform::chirp,
                                               .sampleRate = sampleRate,
                                               .numChannels = 2,
                                               .numFrames = int64_t(seconds * sampleRate),
                                               .frequency = 100.0},
                                              SampleFormat::flt);
    StreamWriter writer(path.string());
    const int stream = writer.addAudioStream({.sampleRate = sampleRate, .numChannels = 2, .format = SampleFormat::flt});
    writer.open();
    writer.writeAudioChunk(stream, buffer.all());
    writer.close();
    return path;
}

void checkVisualization(const fs::path& output, double audioSeconds, Rational fps, int width, int height)
{
    const auto video = probeStream(output, "v:0", true);
    const auto audio = probeStream(output, "a:0");
    INFO(video.describe());
    INFO(audio.describe());
    CHECK(video.text("codec_name") == "h264");
    CHECK(video.integer("width") == width);
    CHECK(video.integer("height") == height);
    CHECK(audio.text("codec_name") == "aac");

    // Frames: every frame whose time i / fps falls inside the audio (ceil(duration * fps)).
    const int64_t expectedFrames = int64_t(std::ceil(audioSeconds * fps.num / fps.den - 1e-9));
    CHECK(video.integer("nb_read_frames") == expectedFrames);

    // Frame i at exactly i / fps: pts * tb == i * den / num, compared in integers.
    const auto timing = probeVideoTiming(output);
    REQUIRE(int64_t(timing.pts.size()) == expectedFrames);
    for (size_t i = 0; i < timing.pts.size(); ++i)
    {
        CAPTURE(i, timing.pts[i], timing.timeBaseNum, timing.timeBaseDen);
        REQUIRE(timing.pts[i] * timing.timeBaseNum * fps.num == int64_t(i) * timing.timeBaseDen * fps.den);
    }

    // Audio and video the same length, within one frame period; the audio is complete.
    const double period = double(fps.den) / fps.num;
    CHECK(audio.number("duration") == Approx(audioSeconds).margin(0.001));
    CHECK(std::abs(video.number("duration") - audio.number("duration")) < period);
}
} // namespace

TEST_CASE("capstan visualize writes frame i at exactly i / fps, with the audio, same length", "[visual][cli]")
{
    REQUIRE(haveFfmpegTools());
    const TestDir dir;
    const auto input = makeInput(dir, 2.33);
    const auto output = dir.file("out.mp4");
    const auto result = runCapstan({"visualize", input.string(), output.string()});
    INFO(result.err);
    REQUIRE(result.exitCode == 0);
    checkVisualization(output, 2.33, {20, 1}, 320, 240);

    // The picture is the spectrum, not a blank: a frame in the middle has the fill colour near the centre line.
    const auto pixels = decodeVideoBytes(output, "rgb24", {"-vf", "select=eq(n\\,20)", "-frames:v", "1"});
    REQUIRE(pixels.size() == size_t(320 * 240 * 3));
    int reddish = 0;
    for (size_t i = 0; i < pixels.size(); i += 3)
        reddish += (pixels[i] > 150 && pixels[i + 2] < 140) ? 1 : 0;
    CHECK(reddish > 100);
}

TEST_CASE("capstan visualize keeps exact times at 30000/1001 fps and other sizes", "[visual][cli]")
{
    REQUIRE(haveFfmpegTools());
    const TestDir dir;
    const auto input = makeInput(dir, 1.5, 48000);
    const auto output = dir.file("out.mp4");
    const auto result = runCapstan(
        {"visualize", input.string(), output.string(), "--fps", "30000/1001", "--size", "160x96", "--fft", "2048"});
    INFO(result.err);
    REQUIRE(result.exitCode == 0);
    checkVisualization(output, 1.5, {30000, 1001}, 160, 96);
}

TEST_CASE("capstan visualize rejects bad arguments with one clear line", "[visual][cli]")
{
    const TestDir dir;
    const auto input = makeInput(dir, 0.2);
    const auto output = dir.file("out.mp4");

    auto bad = runCapstan({"visualize", input.string(), output.string(), "--size", "321x240"});
    CHECK(bad.exitCode == 2);
    CHECK_THAT(bad.err, Catch::Contains("--size") && Catch::Contains("even"));

    bad = runCapstan({"visualize", input.string(), output.string(), "--fps", "0"});
    CHECK(bad.exitCode == 2);
    CHECK_THAT(bad.err, Catch::Contains("--fps"));

    bad = runCapstan({"visualize", dir.file("missing.wav").string(), output.string()});
    CHECK(bad.exitCode == 1);
    CHECK_THAT(bad.err, Catch::Contains("missing.wav"));
    CHECK(!fs::exists(output));
}
