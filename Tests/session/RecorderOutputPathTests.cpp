// Recorder::setOutputPath, added to the real-time recorder for TakeRecorder (a take is named when it starts, while its
// recorder was armed long before).

#include "support/TestSupport.h"

#include <capstan/media/Error.h>
#include <capstan/realtime/Recorder.h>

#include <catch2/catch.hpp>

using namespace capstan;
using namespace capstan::test;

TEST_CASE("Recorder::setOutputPath: an armed recorder writes where it is told at start, never to the first path",
          "[session]")
{
    TestDir dir;
    RecorderConfig config;
    config.sampleRate = 48000;
    config.numChannels = 1;
    config.preRollSeconds = 0.1;
    config.outputs = {{.path = dir.file("armed.wav").string(), .encoder = "pcm_s16le"},
                      {.path = dir.file("armed.flac").string(), .encoder = "flac"}};
    Recorder recorder(config);
    recorder.arm();
    std::vector<float> samples(480, 0.25f);
    const float* channels[] = {samples.data()};
    for (int i = 0; i < 10; ++i)
        recorder.pushAudio(channels, 1, 480);

    CHECK_THROWS_WITH(recorder.setOutputPath(2, "x.wav"), Catch::Contains("output 2 does not exist"));
    CHECK_THROWS_WITH(recorder.setOutputPath(0, "rtmp://host/app"), Catch::Contains("takes a file path"));
    recorder.setOutputPath(0, dir.file("take.wav").string());
    recorder.setOutputPath(1, dir.file("take.flac").string());
    recorder.start(4800 - 960); // the last 20 ms of the ring
    recorder.pushAudio(channels, 1, 480);
    CHECK_THROWS_WITH(recorder.setOutputPath(0, dir.file("late.wav").string()), Catch::Contains("only before start()"));
    recorder.stop();
    CHECK(recorder.files() == std::vector<std::string>{dir.file("take.wav").string(), dir.file("take.flac").string()});
    CHECK_FALSE(fs::exists(dir.file("armed.wav")));
    CHECK_FALSE(fs::exists(dir.file("armed.flac")));
    CHECK(probeStream(dir.file("take.wav")).integer("duration_ts") == 960 + 480);
    CHECK(probeStream(dir.file("take.flac"), "a:0", true).text("codec_name") == "flac");
}
