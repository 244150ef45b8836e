// The C++ API as an application uses it: a Recorder with a video stream, a VideoInput and a VideoCapture, audio from a
// callback driver; the live preview shows what the source delivers.

#include "support/TestSupport.h"

#include <capstan/capture/VideoCapture.h>
#include <capstan/realtime/CallbackDriver.h>

#include <catch2/catch.hpp>

using namespace capstan;
namespace fs = std::filesystem;

TEST_CASE("VideoCapture through the C++ API: a file with both streams, and a live preview", "[capture]")
{
    REQUIRE(test::haveFfmpegTools());
    test::TestDir dir;
    const auto file = dir.file("api.mkv");
    // A pure red picture that turns blue after 0.5 s, 15 fps.
    VideoInput input(VideoSourceSpec::parse("lavfi:color=c=red:s=64x48:r=15:d=0.5[a];color=c=blue:s=64x48:r=15[b];"
                                            "[a][b]concat"),
                     {});
    REQUIRE(input.width() == 64);
    REQUIRE(input.height() == 48);

    RecorderConfig config{.sampleRate = 48000, .numChannels = 2};
    config.outputs.push_back({.path = file.string(), .encoder = "flac", .withVideo = true});
    config.video = {.enabled = true,
                    .width = 64,
                    .height = 48,
                    .frameRate = {15, 1},
                    .format = PixelFormat::yuv420p,
                    .encoder = "ffv1"};
    Recorder recorder(config);
    VideoCapture capture(recorder, input, {.timing = VideoCapture::Timing::realtime});
    capture.preview().setEnabled(true);
    recorder.arm();
    capture.start();
    recorder.start();

    const TestSignal tone({.kind = TestSignal::Kind::tone, .sampleRate = 48000, .numChannels = 2});
    CallbackDriver driver(tone, {.blockFrames = 480, .pacing = CallbackDriver::Pacing::realtime});
    std::vector<uint8_t> bgra;
    int64_t sequence = 0;
    driver.run(recorder, 48000 / 4); // 0.25 s: red
    REQUIRE(capture.preview().take(bgra, 8, 6, sequence));
    REQUIRE(bgra.size() == 8 * 6 * 4);
    CHECK(int(bgra[2]) > 200); // R
    CHECK(int(bgra[0]) < 60);  // B
    CHECK(int(bgra[3]) == 255);
    const int64_t redSequence = sequence;
    driver.run(recorder, 48000 * 3 / 4); // to 1 s: blue
    REQUIRE(capture.preview().take(bgra, 8, 6, sequence));
    CHECK(sequence > redSequence);
    CHECK(int(bgra[0]) > 200); // B
    CHECK(int(bgra[2]) < 60);  // R
    capture.stop();
    recorder.stop();

    const auto stats = recorder.stats();
    CHECK(stats.videoSource.active);
    CHECK(stats.videoSource.framesRefused == 0);
    CHECK(stats.videoFramesWritten == 15);
    const auto timing = test::probeVideoTiming(file);
    REQUIRE(timing.pts.size() == 15);
    CHECK(test::decodeAudio<float>(file, {"-ac", "1"}).size() == 48000);
}
