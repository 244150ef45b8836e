// Real signals sent to a child `capstan`: the first Ctrl-C/SIGTERM/SIGHUP finishes the output cleanly, a second one
// aborts; SIGXFSZ and a closed stdout become one clear line. Every result is judged by ffprobe.

#include "support/TestSupport.h"

#include <catch2/catch.hpp>

#include <chrono>
#include <csignal>
#include <thread>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace capstan;
namespace fs = std::filesystem;

namespace
{
/** A 20 s stereo input: long enough that `--realtime` is still encoding when the signal comes. */
fs::path longInput(const test::TestDir& dir)
{
    const fs::path input = dir.file("long.wav");
    test::runFfmpeg(
        {"-f", "lavfi", "-i", "sine=frequency=440:duration=20:sample_rate=48000", "-ac", "2", input.string()});
    return input;
}

/** Waits until `file` holds more than `size` bytes, up to `seconds`. */
bool waitForBytes(const fs::path& file, double seconds, uintmax_t size = 0)
{
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
    std::error_code error;
    while (std::chrono::steady_clock::now() < deadline)
    {
        if (fs::exists(file, error) && fs::file_size(file, error) > size && !error)
            return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return false;
}

/** Starts `capstan encode long.wav OUTPUT --realtime [extra]`, lets it encode about a second, sends `signalNumber`. */
void checkInterruptedEncode(const std::string& name, int signalNumber, const std::string& signalName,
                            const std::vector<std::string>& extra = {})
{
    test::TestDir dir(name);
    const fs::path input = longInput(dir);
    const fs::path output = dir.file(name);
    std::vector<std::string> command{CAPSTAN_CLI_PATH, "encode", input.string(), output.string(), "--realtime"};
    command.insert(command.end(), extra.begin(), extra.end());
    test::ChildProcess child(command, dir.file("out.txt"), dir.file("err.txt"));
    REQUIRE(child.started());
    // Matroska holds its first cluster back for seconds, so the file's size cannot tell that encoding began: a
    // fixed delay well past start-up (a fraction of a second) does.
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));
    REQUIRE_FALSE(child.wait(0.0).has_value()); // still encoding
    child.signal(signalNumber);
    const auto code = child.wait(15.0);
    INFO(child.err());
    REQUIRE(code.has_value());
    CHECK(child.endedBySignal() == 0); // it finished by itself, cleanly
    CHECK(*code == 1);                 // the output is incomplete, and the exit code says so
    CHECK_THAT(child.err(),
               Catch::Contains("interrupted by") && Catch::Contains(signalName) && Catch::Contains("finished cleanly"));

    // The container is complete: ffprobe reads its duration from the index (mp4 moov, webm cues), and it decodes.
    const auto format = test::probeFormat(output);
    INFO(format.describe());
    const double duration = format.number("duration");
    CHECK(duration > 0.5);
    CHECK(duration < 10.0);
    const auto samples = test::decodeAudio<float>(output);
    CHECK(double(samples.size()) / 2 / 48000 > 0.5);
}
} // namespace

TEST_CASE("encode: the first Ctrl-C finishes an MP4, M4A or WebM that plays", "[adversarial][signals]")
{
    REQUIRE(test::haveFfmpegTools());
    checkInterruptedEncode("ctrl-c.m4a", SIGINT, "SIGINT");
    checkInterruptedEncode("ctrl-c.mp4", SIGINT, "SIGINT");
    checkInterruptedEncode("ctrl-c.webm", SIGINT, "SIGINT");
}

TEST_CASE("encode: the first Ctrl-C finishes every other container with its index or header too",
          "[adversarial][signals]")
{
    // Each container keeps something for its end: WAV/CAF sizes, FLAC's STREAMINFO, MP3's Xing frame, Matroska's
    // cues and duration, MOV's moov, Ogg's last page. A finished file states a duration that ffprobe reads.
    REQUIRE(test::haveFfmpegTools());
    for (const char* name : {"ctrl-c.mkv", "ctrl-c.mka", "ctrl-c.mov", "ctrl-c.ogg", "ctrl-c.opus", "ctrl-c.flac",
                             "ctrl-c.wav", "ctrl-c.caf", "ctrl-c.mp3", "ctrl-c.ts"})
    {
        INFO(name);
        checkInterruptedEncode(name, SIGINT, "SIGINT");
    }
}

TEST_CASE("encode --encoder copy: the first Ctrl-C finishes the remuxed file too", "[adversarial][signals]")
{
    REQUIRE(test::haveFfmpegTools());
    for (const char* name : {"copy.mka", "copy.mov", "copy.wav"})
    {
        INFO(name);
        checkInterruptedEncode(name, SIGINT, "SIGINT", {"--encoder", "copy"});
    }
}

TEST_CASE("encode: SIGTERM and SIGHUP finish the output like Ctrl-C", "[adversarial][signals]")
{
    REQUIRE(test::haveFfmpegTools());
    checkInterruptedEncode("sigterm.m4a", SIGTERM, "SIGTERM");
    checkInterruptedEncode("sighup.mp4", SIGHUP, "SIGHUP");
}

TEST_CASE("encode with two outputs: the first Ctrl-C finishes both", "[adversarial][signals]")
{
    REQUIRE(test::haveFfmpegTools());
    test::TestDir dir;
    const fs::path input = longInput(dir);
    const fs::path m4a = dir.file("both.m4a"), mkv = dir.file("both.mkv");
    test::ChildProcess child({CAPSTAN_CLI_PATH, "encode", input.string(), "--encoder", "aac", m4a.string(), "--encoder",
                              "flac", mkv.string(), "--realtime"},
                             dir.file("out.txt"), dir.file("err.txt"));
    REQUIRE(child.started());
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));
    REQUIRE_FALSE(child.wait(0.0).has_value()); // still encoding
    child.signal(SIGINT);
    const auto code = child.wait(15.0);
    INFO(child.err());
    REQUIRE(code.has_value());
    CHECK(child.endedBySignal() == 0);
    CHECK(*code == 1);
    CHECK_THAT(child.err(),
               Catch::Contains("interrupted by SIGINT") &&
                   Catch::Contains("'" + m4a.string() + "', '" + mkv.string() + "' were finished cleanly"));
    // Both containers are complete (the m4a's moov, the mkv's cues and duration) and decode to the same length.
    for (const auto& output : {m4a, mkv})
    {
        INFO(output);
        const double duration = test::probeFormat(output).number("duration");
        CHECK(duration > 0.5);
        CHECK(duration < 10.0);
    }
    const double flacSeconds = double(test::decodeAudio<float>(mkv).size()) / 2 / 48000;
    const double aacSeconds = test::probeFormat(m4a).number("duration");
    CHECK(flacSeconds > 0.5);
    CHECK(aacSeconds == Approx(flacSeconds).margin(0.05));
}

TEST_CASE("encode: a second Ctrl-C aborts at once", "[adversarial][signals]")
{
    REQUIRE(test::haveFfmpegTools());
    test::TestDir dir;
    const fs::path input = longInput(dir);
    const fs::path fifo = dir.file("input.fifo");
    REQUIRE(mkfifo(fifo.c_str(), 0600) == 0);
    const fs::path output = dir.file("twice.wav");
    test::ChildProcess child({CAPSTAN_CLI_PATH, "encode", fifo.string(), output.string(), "--input-format", "wav"},
                             dir.file("out.txt"), dir.file("err.txt"));
    REQUIRE(child.started());
    // Feed it 15 s (more than FFmpeg probes), then nothing: it waits in read(), where a signal only raises the flag.
    const int writer = ::open(fifo.c_str(), O_WRONLY);
    REQUIRE(writer >= 0);
    const auto bytes = test::readFileBytes(input);
    const size_t fed = 44 + 15 * 48000 * 4;
    REQUIRE(::write(writer, bytes.data(), fed) == ssize_t(fed));
    REQUIRE(waitForBytes(output, 10.0, 13 * 48000 * 4)); // 13 of the 15 s are out: soon it waits for more
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    child.signal(SIGINT);
    CHECK_FALSE(child.wait(0.5).has_value()); // the first one asks it to finish, once it can
    child.signal(SIGINT);
    const auto code = child.wait(10.0);
    ::close(writer);
    REQUIRE(code.has_value());
    CHECK(child.endedBySignal() == SIGINT); // the second one ends it at once
}

TEST_CASE("record: SIGHUP finalizes the take like SIGTERM", "[adversarial][signals]")
{
    REQUIRE(test::haveFfmpegTools());
    test::TestDir dir;
    const fs::path flac = dir.file("take.flac");
    const fs::path m4a = dir.file("take.m4a");
    test::ChildProcess child({CAPSTAN_CLI_PATH, "record", flac.string(), m4a.string(), "--source", "tone"},
                             dir.file("out.txt"), dir.file("err.txt"));
    REQUIRE(child.started());
    REQUIRE(waitForBytes(flac, 10.0));
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));
    child.signal(SIGHUP);
    const auto code = child.wait(15.0);
    INFO(child.out() << child.err());
    REQUIRE(code.has_value());
    CHECK(*code == 0);
    CHECK_THAT(child.out(), Catch::Contains("recorded"));
    for (const auto& file : {flac, m4a})
    {
        const double duration = test::probeFormat(file).number("duration");
        CHECK(duration > 1.0);
        CHECK(duration < 10.0);
    }
    // The m4a was rewritten as an ordinary MP4 after the clean stop: no fragments left.
    CHECK(test::probeFormat(m4a).text("format_name").find("mp4") != std::string::npos);
}

TEST_CASE("record under a file size limit: SIGXFSZ does not kill it, the other outputs go on", "[adversarial][signals]")
{
    REQUIRE(test::haveFfmpegTools());
    test::TestDir dir;
    const std::string script = "ulimit -f 1000; exec '" + std::string(CAPSTAN_CLI_PATH) + "' record '" +
                               dir.file("take.wav").string() + "' '" + dir.file("take.mp3").string() + "' '" +
                               dir.file("take.mp4").string() + "' --source noise --duration 10 --pace fast";
    const auto result = test::runProcess({"sh", "-c", script});
    INFO(result.out << result.err);
    CHECK(result.exitCode == 1); // a write error of one output, not death by signal (153)
    CHECK_THAT(result.err, Catch::Contains("take.wav") && Catch::Contains("File too large"));
    // The outputs under the limit hold the whole 10 s.
    for (const char* name : {"take.mp3", "take.mp4"})
    {
        INFO(name);
        const double duration = test::probeFormat(dir.file(name)).number("duration");
        CHECK(duration > 9.9);
        CHECK(duration < 10.2);
    }
    // The WAV stops at the limit and still decodes up to there.
    CHECK(test::decodeAudio<int16_t>(dir.file("take.wav")).size() > 48000);
}

TEST_CASE("encode to a closed stdout: one clear line, not a silent death", "[adversarial][signals]")
{
    REQUIRE(test::haveFfmpegTools());
    test::TestDir dir;
    const fs::path input = longInput(dir);
    // bash reports capstan's own exit status from the pipeline; head closes the pipe after 100 bytes.
    const std::string script = "'" + std::string(CAPSTAN_CLI_PATH) + "' encode '" + input.string() +
                               "' - --format wav | head -c 100 > /dev/null; echo \"status=${PIPESTATUS[0]}\"";
    const auto result = test::runProcess({"bash", "-c", script});
    INFO(result.err);
    CHECK_THAT(result.out, Catch::Contains("status=1"));
    CHECK_THAT(result.err, Catch::StartsWith("capstan: error: ") && Catch::Contains("standard output was closed"));
    CHECK(std::count(result.err.begin(), result.err.end(), '\n') == 1);
}
