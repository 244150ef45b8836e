// The Recorder with network outputs against a real nginx-rtmp: each network output has its own thread, so a dead or
// hung server costs that output only (counted as not sent) while a local file in the same recording keeps every
// sample; the output reconnects with backoff and the resumed stream continues the recording's clock.

#include "NetworkSupport.h"

#include <support/TestSupport.h>

#include <capstan/media/Error.h>
#include <capstan/realtime/Recorder.h>

#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <optional>
#include <thread>

using namespace capstan;
using namespace capstan::test;
using Clock = std::chrono::steady_clock;

namespace
{
constexpr int rate = 48000;
constexpr int channels = 2;
constexpr int blockFrames = 512;

/** An "audio device": pushes a sine in 512-frame callbacks on its own thread at the real-time rate and times every
    pushAudio call. */
class RealtimeSource
{
public:
    RealtimeSource(Recorder& recorderIn, double secondsIn) : recorder(recorderIn), seconds(secondsIn)
    {
        left.resize(blockFrames);
        right.resize(blockFrames);
        latencies.reserve(size_t(seconds * rate / blockFrames) + 16);
    }

    void start()
    {
        begin = Clock::now();
        thread = std::thread([this] { run(); });
    }
    void join() { thread.join(); }
    Clock::time_point startTime() const { return begin; }
    int64_t framesPushed() const { return pushed; }

    /** Push latency percentile in microseconds. */
    double latency(double fraction) const
    {
        std::vector<double> sorted = latencies;
        std::sort(sorted.begin(), sorted.end());
        return sorted.empty() ? 0 : sorted[std::min(sorted.size() - 1, size_t(fraction * double(sorted.size())))];
    }

private:
    void run()
    {
        const int64_t total = int64_t(seconds * rate);
        const float* planes[channels] = {left.data(), right.data()};
        while (pushed < total)
        {
            const int n = int(std::min<int64_t>(blockFrames, total - pushed));
            for (int i = 0; i < n; ++i)
            {
                const double t = double(pushed + i) / rate;
                left[size_t(i)] = float(0.4 * std::sin(2 * M_PI * 440 * t));
                right[size_t(i)] = float(0.4 * std::sin(2 * M_PI * 660 * t));
            }
            const auto before = Clock::now();
            recorder.pushAudio(planes, channels, n);
            latencies.push_back(std::chrono::duration<double, std::micro>(Clock::now() - before).count());
            pushed += n;
            std::this_thread::sleep_until(begin + std::chrono::microseconds(pushed * 1000000 / rate));
        }
    }

    Recorder& recorder;
    double seconds;
    std::vector<float> left, right;
    std::vector<double> latencies;
    int64_t pushed = 0;
    Clock::time_point begin;
    std::thread thread;
};

/** A FLAC master plus one RTMP output with quick reconnects and a short queue. */
RecorderConfig configWith(const fs::path& local, const std::string& url)
{
    RecorderConfig config;
    config.sampleRate = rate;
    config.numChannels = channels;
    // A short hand-off queue: were the encoder thread ever held up by the network (1 s hung connects), the audio
    // thread would drop blocks and the local file would get silence.
    config.queueSeconds = 0.5;
    config.outputs = {{.path = local.string(), .encoder = "flac"},
                      {.path = url,
                       .encoder = "aac",
                       .networkQueueSeconds = 0.5,
                       .ioTimeoutSeconds = 2.0,
                       .reconnectDelaySeconds = 0.2,
                       .reconnectMaxDelaySeconds = 0.4}};
    return config;
}

int64_t decodedFrames(const fs::path& file)
{
    return int64_t(decodeAudio<float>(file).size() / channels);
}
} // namespace

TEST_CASE("recorder: the RTMP server killed, then hung, then back: the local file keeps every sample, the stream "
          "reconnects and resumes on the recording's clock",
          "[network][rtmp][recorder]")
{
    TestDir dir;
    const int port = freeTcpPort();
    NginxRtmpServer server(dir.path() / "nginx", port);
    std::string reason;
    SKIP_UNLESS(server.start(reason), "nginx with the RTMP module cannot start: " << reason);

    const auto local = dir.file("master.flac");
    Recorder recorder(configWith(local, server.url("take")));
    recorder.start();
    constexpr double seconds = 6.0;
    RealtimeSource source(recorder, seconds);
    source.start();
    const auto at = [&](double s) { return source.startTime() + std::chrono::microseconds(int64_t(s * 1e6)); };

    sleepUntil(at(1.5));
    server.kill(); // the connection breaks
    std::optional<BlackHoleServer> blackHole(port);
    REQUIRE(blackHole->listening()); // a reconnect now hangs (2 s timeout): the output's 0.5 s queue overflows
    sleepUntil(at(2.8));
    const auto during = recorder.stats();
    INFO("at 2.8 s: " << during.toJson());
    sleepUntil(at(3.5));
    blackHole.reset();
    REQUIRE(server.start(reason)); // the same port again
    source.join();
    recorder.stop();
    server.quit();

    const auto stats = recorder.stats();
    INFO(stats.toJson());
    REQUIRE(stats.outputs.size() == 2);
    const auto& file = stats.outputs[0];
    const auto& stream = stats.outputs[1];

    // While the server was gone the stream output said so, and the local one did not notice.
    CHECK(during.outputs[1].state == OutputCounters::State::retrying);
    CHECK(during.outputs[0].state == OutputCounters::State::writing);
    CHECK_FALSE(during.outputs[1].lastError.empty());

    // The audio thread never lost a block, and the local file has every sample.
    CHECK(stats.droppedFrames == 0);
    CHECK(stats.silenceFrames == 0);
    CHECK(source.framesPushed() == int64_t(seconds * rate));
    CHECK(decodedFrames(local) == source.framesPushed());
    CHECK(file.framesNotSent == 0);
    CHECK(file.disconnects == 0);
    CHECK(file.state == OutputCounters::State::closed);

    // The stream output: reported, counted, reconnected.
    CHECK(stream.network);
    CHECK(stream.disconnects >= 1);
    CHECK(stream.reconnects >= 1);
    CHECK(stream.state == OutputCounters::State::closed);
    CHECK(stream.secondsNotSent > 1.5); // about 2 s were not sent (1.5 .. 3.5 s and the reconnect)
    CHECK(stream.secondsNotSent < 3.5);
    CHECK(stream.resumedAtSeconds > 3.4);
    CHECK(stream.resumedAtSeconds < 5.0);
    CHECK(stream.lastError.find(server.url("").substr(0, 20)) != std::string::npos);
    CHECK(recorder.errors().empty()); // it recovered: not a failed output
    CHECK(stats.writeErrors == 0);

    // nginx recorded two publishes: before the kill, and the resumed one, whose timestamps continue the recording.
    const auto recordings = server.recordings();
    REQUIRE(recordings.size() == 2);
    const auto first = probeFormat(recordings[0]);
    const auto resumed = probeFormat(recordings[1]);
    INFO(first.describe() << "\n" << resumed.describe());
    CHECK(first.number("duration") == Approx(1.5).margin(0.4));
    CHECK(resumed.number("start_time") == Approx(stream.resumedAtSeconds).margin(0.1));
    // ... up to the end of the recording (the last AAC packet starts one or two frames before it).
    const auto audioPts = probePacketField(recordings[1], "a:0", "pts_time");
    REQUIRE_FALSE(audioPts.empty());
    CHECK(std::stod(audioPts.back()) == Approx(seconds).margin(0.1));
    CHECK(probeStream(recordings[1], "a:0").text("codec_name") == "aac");
    CHECK(decodedFrames(recordings[1]) > int64_t((seconds - 5.0) * rate));

    std::printf("figure: RTMP server killed at 1.5 s, hung until 3.5 s: pushAudio median %.2f us, p99 %.2f us, "
                "max %.2f us; audio-thread drops %lld; local file %lld of %lld frames; stream not sent %.2f s, "
                "resumed at %.3f s\n",
                source.latency(0.5), source.latency(0.99), source.latency(1.0), (long long)stats.droppedFrames,
                (long long)decodedFrames(local), (long long)source.framesPushed(), stream.secondsNotSent,
                stream.resumedAtSeconds);
}

TEST_CASE("recorder: a network output whose reconnect attempts run out fails alone, and says so",
          "[network][rtmp][recorder]")
{
    TestDir dir;
    NginxRtmpServer server(dir.path() / "nginx", freeTcpPort());
    std::string reason;
    SKIP_UNLESS(server.start(reason), "nginx with the RTMP module cannot start: " << reason);

    const auto local = dir.file("master.flac");
    auto config = configWith(local, server.url("gone"));
    config.outputs[1].reconnectAttempts = 2;
    config.outputs[1].reconnectDelaySeconds = 0.1;
    Recorder recorder(config);
    recorder.start();
    RealtimeSource source(recorder, 2.5);
    source.start();
    sleepUntil(source.startTime() + std::chrono::milliseconds(800));
    server.kill(); // and never back
    source.join();
    const auto stopBegin = Clock::now();
    recorder.stop();
    CHECK(std::chrono::duration<double>(Clock::now() - stopBegin).count() < 3.0);

    const auto stats = recorder.stats();
    INFO(stats.toJson());
    CHECK(stats.outputs[1].state == OutputCounters::State::failed);
    CHECK(stats.outputs[1].secondsNotSent > 1.2);
    CHECK(stats.outputs[0].state == OutputCounters::State::closed);
    CHECK(stats.writeErrors == 1);
    const auto errors = recorder.errors();
    REQUIRE(errors.size() == 1);
    CHECK(errors[0].find("gave up after 2 reconnect attempt(s)") != std::string::npos);
    CHECK(errors[0].find("rtmp://127.0.0.1:") != std::string::npos);
    CHECK(decodedFrames(local) == source.framesPushed());
}

TEST_CASE("recorder: an unreachable server is a clear error at start(), and nothing is left open",
          "[network][rtmp][recorder]")
{
    TestDir dir;
    const std::string url = "rtmp://127.0.0.1:" + std::to_string(freeTcpPort()) + "/live/nobody";
    Recorder recorder(configWith(dir.file("master.flac"), url));
    CHECK_THROWS_WITH(recorder.start(), Catch::Contains("rtmp://127.0.0.1:") && Catch::Contains("Connection refused"));
}

TEST_CASE("recorder: audio and live video to nginx-rtmp (aac + libx264) on the network output's own thread",
          "[network][rtmp][recorder]")
{
    TestDir dir;
    NginxRtmpServer server(dir.path() / "nginx", freeTcpPort());
    std::string reason;
    SKIP_UNLESS(server.start(reason), "nginx with the RTMP module cannot start: " << reason);

    constexpr int width = 160, height = 120, fps = 10;
    RecorderConfig config;
    config.sampleRate = rate;
    config.numChannels = channels;
    config.video = {.enabled = true,
                    .width = width,
                    .height = height,
                    .frameRate = {fps, 1},
                    .format = PixelFormat::rgb24,
                    .encoder = "libx264",
                    .encoderFormat = "yuv420p",
                    .encoderOptions = {{"preset", "ultrafast"}, {"tune", "zerolatency"}}};
    config.outputs = {{.path = dir.file("master.flac").string(), .encoder = "flac"},
                      {.path = server.url("video"), .encoder = "aac", .withVideo = true}};
    Recorder recorder(config);
    recorder.start();
    constexpr double seconds = 2.0;
    const auto frames = generateVideoFrames(PixelFormat::rgb24, width, height, int(seconds * fps));
    const size_t frameBytes = size_t(width) * height * 3;
    std::vector<float> silence(blockFrames * 2, 0.1f);
    const float* planes[2] = {silence.data(), silence.data() + blockFrames};
    const auto begin = Clock::now();
    int64_t pushed = 0;
    int nextFrame = 0;
    while (pushed < int64_t(seconds * rate))
    {
        // Each frame at its exact position on the audio clock, as a visualizer would push it.
        while (nextFrame < int(seconds * fps) && int64_t(nextFrame) * rate / fps <= pushed)
        {
            CHECK(recorder.pushVideoFrame(frames.data() + size_t(nextFrame) * frameBytes, frameBytes,
                                          int64_t(nextFrame) * rate / fps));
            ++nextFrame;
        }
        recorder.pushAudio(planes, channels, blockFrames);
        pushed += blockFrames;
        std::this_thread::sleep_until(begin + std::chrono::microseconds(pushed * 1000000 / rate));
    }
    recorder.stop();
    server.quit();
    const auto stats = recorder.stats();
    INFO(stats.toJson());
    CHECK(stats.outputs[1].videoFramesNotSent == 0);
    CHECK(stats.outputs[1].framesNotSent == 0);

    const auto recordings = server.recordings();
    REQUIRE(recordings.size() == 1);
    CHECK(probeStream(recordings[0], "a:0").text("codec_name") == "aac");
    CHECK(probeStream(recordings[0], "v:0").text("codec_name") == "h264");
    CHECK(probeStream(recordings[0], "v:0", true).integer("nb_read_frames") == int64_t(seconds * fps));
    CHECK(probeFormat(recordings[0]).number("duration") == Approx(seconds).margin(0.15));
}
