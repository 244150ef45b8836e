// The audio thread's contract, checked by trapping allocations and locks on the pushing thread.

#include "RealtimeTrap.h"
#include "support/TestSupport.h"

#include <capstan/realtime/CallbackDriver.h>

#include <catch2/catch.hpp>

#include <chrono>
#include <cstdlib>
#include <mutex>
#include <thread>

using namespace capstan;

TEST_CASE("the trap sees an allocation, a free and a lock on its thread (control)", "[realtime][safety]")
{
    if (!test::RealtimeTrap::isAvailable())
    {
        WARN("allocation trap is compiled out under sanitizers: not checked");
        return;
    }

    test::TrapCounts counts;
    {
        test::RealtimeTrap trap;
        int* volatile value = new int(42);
        delete value;
        void* volatile raw = std::malloc(64);
        std::free(raw);
        std::mutex mutex;
        mutex.lock();
        mutex.unlock();
        counts = trap.counts();
    }
    CHECK(counts.allocations >= 2);
    CHECK(counts.frees >= 2);
    CHECK(counts.locks >= 1);
}

TEST_CASE("pushAudio and pushVideoFrame neither allocate nor lock, drops included", "[realtime][safety]")
{
    if (!test::RealtimeTrap::isAvailable())
    {
        WARN("allocation trap is compiled out under sanitizers: not checked");
        return;
    }
    test::TestDir dir;

    RecorderConfig config;
    config.sampleRate = 48000;
    config.numChannels = 2;
    config.blockFrames = 256;
    config.queueSeconds = 0.25;
    config.preRollSeconds = 0.5;
    config.outputs.push_back({.path = dir.file("take.flac").string(), .encoder = "flac", .encoderFormat = "s16"});
    config.outputs.push_back({.path = dir.file("take.wav").string(), .encoder = "pcm_f32le"});
    config.video = {.enabled = true, .width = 64, .height = 48, .frameRate = {30, 1}, .queueFrames = 4};
    config.outputs.push_back({.path = dir.file("take.mkv").string(), .encoder = "pcm_s16le", .withVideo = true});
    config.video.encoder = "mpeg4";
    Recorder recorder(config);

    TestSignal signal({.kind = TestSignal::Kind::noise, .sampleRate = 48000, .numChannels = 2});
    CallbackDriver driver(signal, {.maxBlockFrames = 4096, .minBlockFrames = 1, .blockSeed = 7});
    std::vector<uint8_t> frame(size_t(64 * 48 * 3), 128);

    recorder.arm();
    test::TrapCounts armedCounts, recordingCounts, overloadCounts;
    {
        test::RealtimeTrap trap;
        driver.run(recorder, 48000); // armed: pre-roll collecting
        armedCounts = trap.counts();
    }
    recorder.start();
    int64_t callbacks = 0;
    {
        test::RealtimeTrap trap;
        // Thousands of callbacks of varying size, with video frames from the same thread in between.
        for (int i = 0; i < 40; ++i)
        {
            callbacks += driver.run(recorder, 60000).callbacks;
            recorder.pushVideoFrame(frame.data(), frame.size());
        }
        recordingCounts = trap.counts();
    }
    recorder.setEncoderStalledForTesting(true);
    std::vector<float> left(512, 0.25f), right(512, -0.25f);
    const float* channels[2] = {left.data(), right.data()};
    {
        test::RealtimeTrap trap;
        // The encoder is stalled: the pool runs dry and the drop path runs.
        for (int i = 0; i < 2000; ++i)
        {
            recorder.pushAudio(channels, 2, 1 + (i * 37) % 512);
            if (i % 50 == 0)
                recorder.pushVideoFrame(frame.data(), frame.size());
        }
        overloadCounts = trap.counts();
    }
    recorder.setEncoderStalledForTesting(false);
    recorder.stop();

    const auto stats = recorder.stats();
    INFO(stats.toJson());
    CHECK(callbacks > 1000);
    CHECK(stats.droppedFrames > 0); // the overload phase really dropped

    CHECK(armedCounts.allocations == 0);
    CHECK(armedCounts.frees == 0);
    CHECK(armedCounts.locks == 0);
    CHECK(recordingCounts.allocations == 0);
    CHECK(recordingCounts.frees == 0);
    CHECK(recordingCounts.locks == 0);
    CHECK(overloadCounts.allocations == 0);
    CHECK(overloadCounts.frees == 0);
    CHECK(overloadCounts.locks == 0);
    CHECK(recorder.errors().empty());
}
