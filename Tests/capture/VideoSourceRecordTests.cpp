// `capstan record --video-source` with real FFmpeg inputs: a lavfi source at a deliberately wrong rate for minutes of
// simulated time, a source that ends early, a camera that is not there, and kill -9 while recording video.

#include "support/TestSupport.h"

#include <catch2/catch.hpp>

#include <array>
#include <chrono>
#include <cmath>
#include <csignal>
#include <map>
#include <thread>

#include <unistd.h>

using namespace capstan;
namespace fs = std::filesystem;

namespace
{
constexpr int counterWidth = 128, counterHeight = 16, counterBits = 16;

/** A lavfi graph whose frame N shows N in binary: 16 blocks of 8 pixels, white for a 1 (bit 0 on the left). */
std::string counterSource(const std::string& rate)
{
    return std::string("lavfi:color=c=black:s=") + std::to_string(counterWidth) + std::string("x") +
           std::to_string(counterHeight) + ":r=" + rate +
           ",format=gray,geq=lum='255*bitand(floor(N/pow(2\\,floor(X/8)))\\,1)'";
}

/** The counter drawn in every decoded frame of `file`'s video. */
std::vector<int> readCounters(const fs::path& file)
{
    const auto bytes = test::decodeVideoBytes(file, "gray");
    const size_t frameBytes = size_t(counterWidth) * counterHeight;
    std::vector<int> counters;
    for (size_t offset = 0; offset + frameBytes <= bytes.size(); offset += frameBytes)
    {
        int value = 0;
        for (int bit = 0; bit < counterBits; ++bit)
            if (bytes[offset + size_t(counterHeight / 2) * counterWidth + size_t(bit * 8 + 4)] > 128)
                value |= 1 << bit;
        counters.push_back(value);
    }
    return counters;
}

/** A number from the stats JSON's "videoSource" object. */
double videoSourceNumber(const std::string& json, const std::string& key)
{
    const auto object = json.find("\"videoSource\":{");
    REQUIRE(object != std::string::npos);
    const auto at = json.find("\"" + key + "\":", object);
    REQUIRE(at != std::string::npos);
    return std::stod(json.substr(at + key.size() + 3));
}
} // namespace

TEST_CASE("A source at a wrong rate stays within a frame of the audio for minutes", "[capture][cli]")
{
    REQUIRE(test::haveFfmpegTools());
    test::TestDir dir;
    struct Case
    {
        const char* rate;
        double fps;
        double seconds;
    };
    // 100 ppm fast for five minutes (a camera's crystal), then 1 % slow and 1 % fast for a minute each.
    for (const Case c : {Case{"30003/1000", 30.003, 300}, Case{"29.7", 29.7, 60}, Case{"30.3", 30.3, 60}})
    {
        CAPTURE(c.rate, c.seconds);
        const auto file = dir.file(std::string("drift-") + std::to_string(int(c.fps * 1000)) + ".mkv");
        const auto json = dir.file("drift.json");
        const auto result = test::runCapstan({"record", file.string(), "--source", "tone", "--duration",
                                              std::to_string(int(c.seconds)), "--pace", "fast", "--video-source",
                                              counterSource(c.rate), "--fps", "30", "--stats-json", json.string()});
        INFO(result.out << result.err);
        REQUIRE(result.exitCode == 0);
        // Constant frame rate: exactly 30 frames a second of audio, at pts k / 30.
        const auto timing = test::probeVideoTiming(file);
        const auto counters = readCounters(file);
        REQUIRE(counters.size() == size_t(c.seconds * 30));
        REQUIRE(timing.pts.size() == counters.size());
        for (size_t k = 0; k < timing.pts.size(); k += 97)
            REQUIRE(double(timing.pts[k]) * timing.timeBaseNum / timing.timeBaseDen == Approx(k / 30.0).margin(1e-3));
        // Every output frame shows the source frame captured nearest to it: the A/V offset never reaches a frame.
        double worst = 0;
        for (size_t k = 0; k < counters.size(); ++k)
            worst = std::max(worst, std::abs(counters[k] / c.fps - double(k) / 30.0));
        CHECK(worst <= 1.0 / 30);
        CHECK(std::abs(counters.back() / c.fps - c.seconds) <= 1.0 / 30 + 1.0 / 30); // still in step at the end

        const std::string stats = test::readFileText(json);
        const double expectedPpm = (c.fps / 30.0 - 1.0) * 1e6;
        CHECK(videoSourceNumber(stats, "driftPpm") == Approx(expectedPpm).margin(2.0));
        const double pushed = videoSourceNumber(stats, "framesPushed");
        const double captured = videoSourceNumber(stats, "framesCaptured");
        const double duplicated = videoSourceNumber(stats, "framesDuplicated");
        const double skipped = videoSourceNumber(stats, "framesSkipped");
        CHECK(pushed == counters.size());
        CHECK(videoSourceNumber(stats, "framesRefused") == 0);
        // Each source frame inside the recording was shown (once, plus its duplicates) or skipped.
        CHECK(captured - skipped + duplicated == pushed);
        const double surplus = (c.fps - 30.0) * c.seconds;
        if (c.fps > 30)
            CHECK(std::abs(skipped - surplus) <= 1.5);
        else
            CHECK(std::abs(duplicated + surplus) <= 1.5);
        // A drift correction is a repair of the picture: the sidecar says so.
        if (skipped + duplicated > 0)
            CHECK_THAT(test::readFileText(fs::path(file.string() + ".drops.json")),
                       Catch::Contains("\"videoSource\":{") && Catch::Contains("\"framesSkipped\":"));
    }
}

TEST_CASE("A video source that ends early: its last picture is held to the end, and the summary says so",
          "[capture][cli]")
{
    REQUIRE(test::haveFfmpegTools());
    test::TestDir dir;
    const auto file = dir.file("short.mp4");
    const auto result = test::runCapstan({"record", file.string(), "--source", "tone", "--duration", "4", "--pace",
                                          "fast", "--video-source", counterSource("30") + ",trim=end_frame=45"});
    INFO(result.out << result.err);
    REQUIRE(result.exitCode == 0);
    CHECK_THAT(result.out, Catch::Contains("warning: the video source ended (end of input) at 0:01.5") &&
                               Catch::Contains("its last picture is held"));
    CHECK_THAT(result.out, Catch::Contains("75 duplicated"));
    const auto counters = readCounters(file);
    REQUIRE(counters.size() == 120);
    for (size_t k = 0; k < counters.size(); ++k)
        REQUIRE(counters[k] == std::min<int>(int(k), 44));
}

TEST_CASE("A camera that is not there: one line that lists what exists, and no file", "[capture][cli]")
{
    test::TestDir dir;
    const auto file = dir.file("cam.mkv");
    const auto result = test::runCapstan(
        {"record", file.string(), "--source", "tone", "--duration", "1", "--video-source", "camera:/dev/video97"});
    INFO(result.out << result.err);
    CHECK(result.exitCode != 0);
    CHECK_THAT(result.err, Catch::Contains("camera /dev/video97: no such device"));
    bool anyCamera = false;
    for (const auto& entry : fs::directory_iterator("/dev"))
        anyCamera = anyCamera || entry.path().filename().string().rfind("video", 0) == 0;
    CHECK_THAT(result.err,
               Catch::Contains(anyCamera ? "the cameras here are /dev/video" : "this machine has no camera"));
    CHECK(std::count(result.err.begin(), result.err.end(), '\n') == 1);
    CHECK_FALSE(fs::exists(file));

    // A display with no X server: FFmpeg's words, then the displays that do run.
    int missing = 7;
    while (fs::exists(std::string("/tmp/.X11-unix/X") + std::to_string(missing)))
        ++missing;
    const auto screen = test::runCapstan({"record", file.string(), "--source", "tone", "--duration", "1",
                                          "--video-source", std::string("screen::") + std::to_string(missing)});
    CHECK(screen.exitCode == 1);
    CHECK_THAT(screen.err, Catch::Contains(std::string("Cannot open display :") + std::to_string(missing)) &&
                               (Catch::Contains("; the X displays here are :") ||
                                Catch::Contains("; no X display runs on this machine")));
    CHECK_FALSE(fs::exists(file));

    // Other mistakes: a source with no clock under --pace fast is fine, a live one is not; options without a source.
    const auto fastScreen = test::runCapstan({"record", file.string(), "--source", "tone", "--duration", "1", "--pace",
                                              "fast", "--video-source", "screen::0"});
    CHECK(fastScreen.exitCode == 2);
    CHECK_THAT(fastScreen.err, Catch::Contains("runs at its own clock: record it with --pace realtime"));
    const auto orphan =
        test::runCapstan({"record", file.string(), "--source", "tone", "--duration", "1", "--fps-mode", "vfr"});
    CHECK(orphan.exitCode == 2);
    CHECK_THAT(orphan.err, Catch::Contains("--fps-mode applies to --video-source"));
    const auto bad =
        test::runCapstan({"record", file.string(), "--source", "tone", "--duration", "1", "--video-source", "webcam"});
    CHECK(bad.exitCode != 0);
    CHECK_THAT(bad.err, Catch::Contains("'webcam' is not a video source; accepted: screen[:DISPLAY], camera[:DEVICE]"));
    CHECK_FALSE(fs::exists(file));
}

TEST_CASE("kill -9 while recording a video source leaves files that play to within 1 s", "[capture][cli][crash]")
{
    REQUIRE(test::haveFfmpegTools());
    test::TestDir dir;
    for (const char* name : {"killed.mp4", "killed.mkv"})
    {
        CAPTURE(name);
        const auto file = dir.file(name);
        test::ChildProcess child({CAPSTAN_CLI_PATH, "record", file.string(), "--source", "tone", "--video-source",
                                  "lavfi:testsrc2=size=320x240:rate=30"},
                                 dir.file("out.txt"), dir.file("err.txt"));
        REQUIRE(child.started());
        // Recording begins when the file appears (the outputs open at start()).
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
        while (!fs::exists(file) && std::chrono::steady_clock::now() < deadline)
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
        REQUIRE(fs::exists(file));
        const auto began = std::chrono::steady_clock::now();
        std::this_thread::sleep_for(std::chrono::seconds(3));
        const double recorded = std::chrono::duration<double>(std::chrono::steady_clock::now() - began).count();
        child.signal(SIGKILL);
        child.wait(5);
        CHECK(child.endedBySignal() == SIGKILL);
        INFO(child.err());
        const auto pts = test::probeFramePts(file, "v:0");
        REQUIRE_FALSE(pts.empty());
        const double videoSeconds = pts.back() + 1.0 / 30;
        const double audioSeconds = double(test::decodeAudio<float>(file, {"-ac", "1"}).size()) / 48000;
        INFO("recorded " << recorded << " s; decoded video " << videoSeconds << " s, audio " << audioSeconds << " s");
        CHECK(videoSeconds >= recorded - 1.0);
        CHECK(audioSeconds >= recorded - 1.0);
        CHECK(videoSeconds <= recorded + 0.5);
    }
}

TEST_CASE("Screen capture of an Xvfb display: constant frame rate, and the picture moves with the audio clock",
          "[capture][cli][x11]")
{
    REQUIRE(test::haveFfmpegTools());
    REQUIRE(test::runProcess({"sh", "-c", "command -v Xvfb && command -v ffplay"}).exitCode == 0);
    test::TestDir dir;
    // A private display, and ffplay showing the counter at 25 fps in its top-left corner (no window manager: the
    // window lands where it is asked to).
    const int display = 90 + int(::getpid() % 200);
    const std::string name = std::string(":") + std::to_string(display);
    test::ChildProcess xvfb({"Xvfb", name, "-screen", "0", "320x240x24", "-nolisten", "tcp"}, dir.file("xvfb.out"),
                            dir.file("xvfb.err"));
    REQUIRE(xvfb.started());
    const fs::path socket = std::string("/tmp/.X11-unix/X") + std::to_string(display);
    for (int i = 0; i < 500 && !fs::exists(socket); ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    REQUIRE(fs::exists(socket));
    test::ChildProcess player({"env", std::string("DISPLAY=") + name, "SDL_AUDIODRIVER=dummy", "ffplay", "-v", "error",
                               "-an", "-noborder", "-left", "0", "-top", "0", "-f", "lavfi",
                               counterSource("25").substr(6)},
                              dir.file("ffplay.out"), dir.file("ffplay.err"));
    REQUIRE(player.started());
    std::this_thread::sleep_for(std::chrono::milliseconds(1500)); // the window is mapped and playing

    const auto file = dir.file("screen.mkv");
    const auto json = dir.file("screen.json");
    const auto result = test::runCapstan({"record", file.string(), "--source", "tone", "--duration", "4",
                                          "--video-source", std::string("screen:") + name + "+0,0", "--video-size",
                                          "128x16", "--fps", "30", "--stats-json", json.string()});
    INFO(result.out << result.err << player.err());
    REQUIRE(result.exitCode == 0);
    CHECK_THAT(result.out, Catch::Contains(std::string("video: screen ") + name + "+0,0 128x16"));

    // The file: 4 s of audio and exactly 120 frames at pts k / 30.
    const auto timing = test::probeVideoTiming(file);
    REQUIRE(timing.pts.size() == 120);
    for (size_t k = 0; k < timing.pts.size(); ++k)
        REQUIRE(double(timing.pts[k]) * timing.timeBaseNum / timing.timeBaseDen == Approx(k / 30.0).margin(1e-3));
    // The content: the counter ffplay drew, read back. It never goes backwards, and it advances at ffplay's 25 per
    // second of the recording's time, within a few source frames of a straight line (the exact sync is proven with
    // simulated time above; here ffplay's own drawing and x11grab's grabs jitter with the machine's load: 3 frames
    // were the worst seen on a loaded machine, 6.6 under ThreadSanitizer).
    const auto counters = readCounters(file);
    REQUIRE(counters.size() == 120);
    for (size_t k = 1; k < counters.size(); ++k)
        REQUIRE(counters[k] >= counters[k - 1]);
    double sumX = 0, sumY = 0, sumXX = 0, sumXY = 0;
    const double n = double(counters.size());
    for (size_t k = 0; k < counters.size(); ++k)
    {
        const double x = double(k) / 30, y = counters[k];
        sumX += x, sumY += y, sumXX += x * x, sumXY += x * y;
    }
    const double slope = (n * sumXY - sumX * sumY) / (n * sumXX - sumX * sumX);
    const double intercept = (sumY - slope * sumX) / n;
    CHECK(slope == Approx(25.0).epsilon(0.08));
    double worst = 0;
    for (size_t k = 0; k < counters.size(); ++k)
        worst = std::max(worst, std::abs(counters[k] - (intercept + slope * double(k) / 30)));
    CHECK(worst <= 5.0);
    const std::string stats = test::readFileText(json);
    CHECK_THAT(stats, Catch::Contains("\"videoFramesWritten\":120,\"videoFramesDropped\":0,"));
    CHECK(videoSourceNumber(stats, "framesRefused") == 0);
}

TEST_CASE("The spectrum visualizer drawn over a source: one stream, the overlay in the corner", "[capture][cli]")
{
    REQUIRE(test::haveFfmpegTools());
    test::TestDir dir;
    const auto file = dir.file("overlay.mkv");
    const auto result =
        test::runCapstan({"record", file.string(), "--source", "noise", "--duration", "2", "--pace", "fast",
                          "--video-source", "lavfi:color=c=blue:s=320x240:r=25", "--visualize", "128x48"});
    INFO(result.out << result.err);
    REQUIRE(result.exitCode == 0);
    REQUIRE(test::probeStreamCounts(file) == std::map<std::string, int>{{"audio", 1}, {"video", 1}});
    const auto rgb = test::decodeVideoBytes(file, "rgb24");
    const size_t frameBytes = 320 * 240 * 3;
    REQUIRE(rgb.size() == 50 * frameBytes);
    const auto pixel = [&](size_t frame, int x, int y)
    {
        const uint8_t* p = rgb.data() + frame * frameBytes + (size_t(y) * 320 + size_t(x)) * 3;
        return std::array<int, 3>{p[0], p[1], p[2]};
    };
    // The last frame (with --pace fast the picture may trail the audio by up to a second before that; at the end
    // every overlay frame has been drawn).
    const size_t last = 49;
    const auto outside = pixel(last, 20, 20); // the source, pure blue
    CHECK((outside[0] < 40 && outside[1] < 40 && outside[2] > 200));
    // Inside (bottom-right, 16 px in): the visualizer's light background and spectrum over the blue.
    double redGreen = 0;
    for (int y = 240 - 16 - 48; y < 240 - 16; ++y)
        for (int x = 320 - 16 - 128; x < 320 - 16; ++x)
            redGreen += pixel(last, x, y)[0] + pixel(last, x, y)[1];
    CHECK(redGreen / (128 * 48) > 150); // blue alone has none
    const auto justOutside = pixel(last, 320 - 16 - 128 - 4, 240 - 16 - 24);
    CHECK((justOutside[0] < 40 && justOutside[1] < 40));
    const auto tooBig =
        test::runCapstan({"record", dir.file("big.mkv").string(), "--source", "noise", "--duration", "1", "--pace",
                          "fast", "--video-source", "lavfi:color=c=blue:s=320x240:r=25", "--visualize", "640x48"});
    CHECK(tooBig.exitCode == 2);
    CHECK_THAT(tooBig.err, Catch::Contains("is drawn over the --video-source picture and must fit in it (320x240)"));
}
