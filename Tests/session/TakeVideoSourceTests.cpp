// TakeRecorder with a real video source (TakeSettings::videoSource): a lavfi test pattern recorded beside the audio
// in real time, judged by ffprobe; the live preview; a source that cannot be opened refuses to arm, clearly, and
// leaves no file.

#include "support/TestSupport.h"

#include <capstan/realtime/TestSignal.h>
#include <capstan/session/TakeRecorder.h>

#include <catch2/catch.hpp>

#include <chrono>
#include <thread>

using namespace capstan;
using namespace capstan::test;
using namespace std::chrono_literals;

namespace
{
using State = TakeRecorder::State;

/** An audio callback paced in real time (blocks of 480 frames at 48 kHz, every 10 ms): a file or filter graph is
    played as live against the audio clock, so the audio must run at the speed of the clock on the wall. */
class RealtimeDriver
{
public:
    RealtimeDriver(TakeRecorder& recorderIn)
        : recorder(recorderIn), signal({.kind = TestSignal::Kind::tone, .sampleRate = 48000, .numChannels = 2}),
          storage(2, std::vector<float>(blockFrames)), pointers{storage[0].data(), storage[1].data()},
          next(std::chrono::steady_clock::now())
    {
    }

    static constexpr int blockFrames = 480;

    void block(bool record)
    {
        signal.render(pointers.data(), clock, blockFrames);
        recorder.process(pointers.data(), 2, blockFrames, record);
        clock += blockFrames;
        if (record)
            recorded += blockFrames;
        next += 10ms;
        std::this_thread::sleep_until(next);
    }

    /** Blocks with `record` until `done` (or 20 s). */
    TakeRecorder::Status until(bool record, const std::function<bool(const TakeRecorder::Status&)>& done)
    {
        const auto deadline = std::chrono::steady_clock::now() + 20s;
        for (;;)
        {
            const auto status = recorder.status();
            if (done(status) || std::chrono::steady_clock::now() > deadline)
                return status;
            block(record);
        }
    }

    TakeRecorder& recorder;
    TestSignal signal;
    std::vector<std::vector<float>> storage;
    std::vector<float*> pointers;
    std::chrono::steady_clock::time_point next;
    int64_t clock = 0;
    int64_t recorded = 0;
};

TakeSettings videoSettings(const TestDir& dir, const std::string& source)
{
    TakeSettings settings;
    settings.folder = dir.path().string();
    settings.format = RecordingFormat::mkvVideo; // FLAC: the audio decodes to exactly what was recorded
    settings.pattern = "video_%take%";
    settings.videoSource = source;
    return settings;
}
} // namespace

TEST_CASE("TakeRecorder: a take with a lavfi test-pattern source records its picture beside the audio", "[session]")
{
    REQUIRE(haveFfmpegTools());
    TestDir dir;
    TakeRecorder recorder;
    recorder.setSettings(videoSettings(dir, "lavfi:testsrc2=size=320x240:rate=25"));
    recorder.setVideoPreviewWanted(true);
    recorder.prepare(48000, 2, 480);
    RealtimeDriver driver(recorder);
    auto status = driver.until(false, [](const auto& s) { return s.nextTakeReady; });
    REQUIRE(status.nextTakeReady);
    INFO(status.lastError);

    // The preview shows the armed recorder's source before any take, in the picture's own shape.
    for (int i = 0; i < 30; ++i)
        driver.block(false);
    std::vector<uint8_t> bgra;
    int width = 160, height = 160;
    std::string source;
    CHECK(recorder.takeVideoPreview(bgra, width, height, source));
    CHECK(source.rfind("lavfi testsrc2=size=320x240:rate=25 320x240", 0) == 0);
    CHECK(source.ends_with(" @ 25 fps"));
    CHECK(width == 160);
    CHECK(height == 120);
    CHECK(bgra.size() == size_t(160 * 120 * 4));

    for (int i = 0; i < 200; ++i) // 2 s of audio: 50 frames at 25 fps
        driver.block(true);
    CHECK(recorder.status().state == State::recording);
    status = driver.until(false, [](const auto& s) { return s.takesCompleted == 1 && s.state != State::stopping; });
    recorder.release();
    INFO(status.lastError);
    CHECK(status.lastError.empty());
    REQUIRE(status.lastFiles.size() == 1);
    const fs::path file = status.lastFiles.front();
    CHECK(file.filename() == "video_01.mkv");

    const auto counts = probeStreamCounts(file);
    CHECK(counts.at("video") == 1);
    CHECK(counts.at("audio") == 1);
    const auto video = probeStream(file, "v:0", true);
    INFO(video.describe());
    CHECK(video.text("codec_name") == "h264");
    CHECK(video.text("pix_fmt") == "yuv420p");
    CHECK(video.integer("width") == 320); // the source's own size
    CHECK(video.integer("height") == 240);
    CHECK(video.integer("nb_read_frames") == Approx(50).margin(1));
    CHECK(decodeAudio<float>(file).size() == size_t(driver.recorded * 2)); // every recorded frame, both channels

    // The counters of the take: every output frame came from the source, none refused.
    const auto& counters = status.videoSource;
    INFO(counters.describe());
    CHECK(counters.active);
    CHECK(counters.source == source);
    CHECK(counters.framesCaptured == Approx(50).margin(2));
    CHECK(counters.framesRefused == 0);
    CHECK(counters.framesPushed == counters.framesCaptured - counters.framesSkipped + counters.framesDuplicated);
    CHECK(counters.problem.empty());
}

TEST_CASE("TakeRecorder: a video source that cannot be opened is a clear arm error, and no take file is left",
          "[session]")
{
    TestDir dir;
    TakeRecorder recorder;
    auto settings = videoSettings(dir, "camera:/dev/video97");
    recorder.setSettings(settings);
    recorder.prepare(48000, 2, 480);
    RealtimeDriver driver(recorder);
    // The user presses Record anyway: nothing records, the state says failed and why.
    auto status = driver.until(true, [](const auto& s) { return s.state == State::failed; });
    CHECK(status.state == State::failed);
    CHECK_FALSE(status.nextTakeReady);
    INFO(status.lastError);
    CHECK(status.lastError.rfind("cannot prepare a take: camera /dev/video97: no such device; ", 0) == 0);
    std::string source;
    std::vector<uint8_t> bgra;
    int width = 64, height = 36;
    CHECK_FALSE(recorder.takeVideoPreview(bgra, width, height, source));
    CHECK(source.empty());
    driver.until(false, [](const auto& s) { return s.state != State::stopping; });
    CHECK(recorder.status().takesCompleted == 0);
    CHECK(fs::is_empty(dir.path())); // no take file, no reserved empty file

    // A source that opens: the next settings arm, and the error goes.
    settings.videoSource = "lavfi:testsrc2=size=160x120:rate=10";
    recorder.setSettings(settings);
    status = driver.until(false, [](const auto& s) { return s.nextTakeReady; });
    CHECK(status.nextTakeReady);
    CHECK(status.lastError.empty());
    CHECK(status.state == State::ready);
    recorder.release();
    CHECK(fs::is_empty(dir.path()));
}

TEST_CASE("TakeRecorder: a video source that ended before the take: the take says so and holds its last picture",
          "[session]")
{
    REQUIRE(haveFfmpegTools());
    TestDir dir;
    TakeRecorder recorder;
    recorder.setSettings(videoSettings(dir, "lavfi:testsrc2=size=160x90:rate=10:duration=0.3"));
    recorder.prepare(48000, 2, 480);
    RealtimeDriver driver(recorder);
    for (int i = 0; i < 80; ++i) // 0.8 s: the armed recorder's source ends meanwhile
        driver.block(false);
    for (int i = 0; i < 100; ++i) // a 1 s take
        driver.block(true);
    const auto status =
        driver.until(false, [](const auto& s) { return s.takesCompleted == 1 && s.state != State::stopping; });
    recorder.release();
    INFO(status.lastError);
    INFO(status.videoSource.describe());
    REQUIRE(status.lastFiles.size() == 1);
    CHECK(status.videoSource.problem.find("the video source ended (end of input)") != std::string::npos);
    CHECK(status.videoSource.framesRefused == 0);
    const auto video = probeStream(status.lastFiles.front(), "v:0", true);
    INFO(video.describe());
    CHECK(video.integer("nb_read_frames") == Approx(10).margin(1)); // 1 s at 10 fps: the last picture, held
}
