// `capstan record --source device[:NAME]` against real audio devices: a private dummy JACK server (no sound card
// needed), reached through ALSA's jack PCM and through JUCE's JACK device type, and the clear error without one.
// Every child process has a timeout and is killed on every path; without jackd the server cases are skipped (WARN).

#include "support/TestSupport.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <functional>
#include <optional>
#include <spawn.h>
#include <sstream>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

extern char** environ;

using namespace capstan;
namespace fs = std::filesystem;

namespace
{
using test::ChildProcess;

/** Runs a command to completion within `timeoutSeconds` (killed otherwise: then the result's exitCode is -2). */
struct RunResult
{
    int exitCode = -2;
    std::string out, err;
};

RunResult run(const std::vector<std::string>& argv, const test::TestDir& dir, const std::string& tag,
              double timeoutSeconds)
{
    ChildProcess child(argv, dir.file(tag + ".out"), dir.file(tag + ".err"));
    RunResult result;
    if (!child.started())
    {
        result.err = child.startError();
        return result;
    }
    if (const auto code = child.wait(timeoutSeconds))
        result.exitCode = *code;
    else
        child.terminate();
    result.out = child.out();
    result.err = child.err();
    return result;
}

/** Points libjack (in this process's children) at a server name, and restores the environment afterwards. */
class JackEnvironment
{
public:
    explicit JackEnvironment(const std::string& serverName)
    {
        if (const char* old = std::getenv("JACK_DEFAULT_SERVER"))
            previous = old;
        ::setenv("JACK_DEFAULT_SERVER", serverName.c_str(), 1);
        ::setenv("JACK_NO_START_SERVER", "1", 1);
    }
    ~JackEnvironment()
    {
        if (previous)
            ::setenv("JACK_DEFAULT_SERVER", previous->c_str(), 1);
        else
            ::unsetenv("JACK_DEFAULT_SERVER");
    }

private:
    std::optional<std::string> previous;
};

/** The server name for the running test case: fixed per test case rather than per process. jackd registers each
    server name in a system-wide table of 8 slots (/dev/shm/jack-shm-registry); a server that dies without cleaning
    up (SIGKILL on a test timeout) keeps its slot until a server of the same name starts again. Unique names per
    process would fill the table for good; a name per test case reuses its slot, and still never meets the server of
    a test case running beside it. */
std::string jackServerNameForThisTest()
{
    const std::string test = Catch::getResultCapture().getCurrentTestName();
    return "capstan-test-" + std::to_string(std::hash<std::string>{}(test) % 1000000);
}

/** A dummy JACK server of its own (`jackd -n capstan-test-N -d dummy`, 48 kHz, 512 frames), up or not with a
    reason. */
class DummyJackServer
{
public:
    explicit DummyJackServer(const test::TestDir& dir) : dir(dir), name(jackServerNameForThisTest()), environment(name)
    {
        server = std::make_unique<ChildProcess>(
            std::vector<std::string>{"jackd", "-n", name, "--no-realtime", "-d", "dummy", "-r", "48000", "-p", "512"},
            dir.file("jackd.out"), dir.file("jackd.err"));
        if (!server->started())
        {
            problem = server->startError() + " (Debian package jackd2)";
            return;
        }
        if (!waitForPort("system:capture_1", 10.0))
            problem = "jackd did not come up within 10 s: " + server->err();
    }

    bool isUp() const { return problem.empty(); }
    const std::string& whyNot() const { return problem; }
    const std::string& serverName() const { return name; }

    /** Polls jack_lsp until `port` exists (or the server died, or the time is up). */
    bool waitForPort(const std::string& port, double timeoutSeconds)
    {
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(timeoutSeconds);
        while (std::chrono::steady_clock::now() < deadline)
        {
            if (server->wait(0).has_value())
                return false; // exited
            const auto ports = run({"jack_lsp"}, dir, "jack_lsp", 5.0);
            if (ports.exitCode == 0 && ports.out.find(port) != std::string::npos)
                return true;
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
        return false;
    }

private:
    const test::TestDir& dir;
    std::string name;
    JackEnvironment environment;
    std::unique_ptr<ChildProcess> server;
    std::string problem;
};

/** jack_metro: an 880 Hz click at amplitude 0.5, twice a second, on the port metro:120_bpm; null (and a WARN) when
    it does not start. */
std::unique_ptr<ChildProcess> startMetro(DummyJackServer& jack, const test::TestDir& dir)
{
    auto metro =
        std::make_unique<ChildProcess>(std::vector<std::string>{"jack_metro", "-b", "120", "-f", "880", "-A", "0.5"},
                                       dir.file("metro.out"), dir.file("metro.err"));
    if (metro->started() && jack.waitForPort("metro:120_bpm", 10.0))
        return metro;
    WARN("SKIPPED: jack_metro did not start: " << metro->startError() << metro->err());
    return nullptr;
}

float peak(const std::vector<float>& samples)
{
    float result = 0;
    for (const float s : samples)
        result = std::max(result, std::abs(s));
    return result;
}
} // namespace

TEST_CASE("capstan record --source device:NAME without that device: one line naming it and what exists",
          "[realtime][cli][device]")
{
    test::TestDir dir;
    // A server name nobody runs: JACK has nothing to offer whatever runs on this machine.
    JackEnvironment noServer("capstan-none-" + std::to_string(getpid()));
    const auto out = dir.file("out.wav");
    const auto result =
        run({CAPSTAN_CLI_PATH, "record", out.string(), "--source", "device:NoSuchDevice", "--duration", "1"}, dir,
            "record", 30.0);
    INFO(result.out << result.err);
    CHECK(result.exitCode == 1);
    CHECK(std::count(result.err.begin(), result.err.end(), '\n') == 1); // one line: libjack's chatter is silenced
    CHECK_THAT(result.err, Catch::StartsWith("capstan: error: --source device:NoSuchDevice: no audio input device "
                                             "named 'NoSuchDevice': "));
    CHECK_THAT(result.err, Catch::Contains("ALSA offers") && Catch::Contains("JACK offers none") &&
                               Catch::Contains("use --source tone|noise|file:PATH"));
    CHECK_FALSE(fs::exists(out));
}

TEST_CASE("capstan record without --source: no input device is one line naming `capstan devices` and the choices",
          "[realtime][cli][device]")
{
    test::TestDir dir;
    JackEnvironment noServer("capstan-none-" + std::to_string(getpid()));
    // A machine with a sound card would record from it: this case is about a machine without one.
    const auto devices = run({CAPSTAN_CLI_PATH, "devices"}, dir, "devices", 30.0);
    REQUIRE(devices.exitCode == 0);
    if (devices.out.find(" ch ") != std::string::npos)
    {
        WARN("SKIPPED: this machine has an audio input: " << devices.out);
        return;
    }
    const auto out = dir.file("take.flac");
    const auto result = run({CAPSTAN_CLI_PATH, "record", out.string(), "--duration", "1"}, dir, "record", 30.0);
    INFO(result.out << result.err);
    CHECK(result.exitCode == 1);
    CHECK(std::count(result.err.begin(), result.err.end(), '\n') == 1);
    CHECK_THAT(result.err, Catch::StartsWith("capstan: error: no audio input to record from (the default source): "));
    CHECK_THAT(result.err,
               Catch::Contains("`capstan devices`") && Catch::Contains("--source tone|noise|file:PATH|device:NAME"));
    CHECK_FALSE(fs::exists(out));
}

TEST_CASE("capstan devices: ALSA's devices marked by kind, JACK's clients, or why there are none",
          "[realtime][cli][device]")
{
    test::TestDir dir;
    {
        JackEnvironment noServer("capstan-none-" + std::to_string(getpid()));
        const auto none = run({CAPSTAN_CLI_PATH, "devices"}, dir, "devices-none", 30.0);
        INFO(none.out << none.err);
        CHECK(none.exitCode == 0);
        CHECK(none.err.empty()); // libjack's chatter is silenced
        CHECK_THAT(none.out, Catch::Contains("JACK inputs: none (no JACK server running)\n"));
    }
    DummyJackServer jack(dir);
    if (!jack.isUp())
    {
        WARN("SKIPPED: no dummy JACK server: " << jack.whyNot());
        return;
    }
    const auto metro = startMetro(jack, dir);
    if (!metro)
        return;
    const auto listed = run({CAPSTAN_CLI_PATH, "devices"}, dir, "devices", 30.0);
    INFO(listed.out << listed.err);
    REQUIRE(listed.exitCode == 0);
    // ALSA's jack PCM (libasound2-plugins) is a bridge that opens with the server's 2 capture ports at its rate.
    CHECK_THAT(listed.out, Catch::Contains("bridge  2 ch  48000 Hz      'JACK Audio Connection Kit'  (ALSA 'jack', "));
#if CAPSTAN_DEVICES_HAVE_JACK
    CHECK_THAT(listed.out, Catch::Contains("JACK inputs:\n  * client  2 ch  48000 Hz      'system'\n") &&
                               Catch::Contains("    client  1 ch  48000 Hz      'metro'\n"));
#endif
    // Every ALSA resampler or mixer plugin shown is marked as one.
    std::istringstream lines(listed.out);
    int plugins = 0;
    for (std::string line; std::getline(lines, line);)
        if (line.find("Rate Converter") != std::string::npos || line.find("upmix") != std::string::npos)
        {
            CHECK_THAT(line, Catch::StartsWith("    plugin "));
            ++plugins;
        }
    CHECK(plugins >= 1);
}

TEST_CASE("capstan record (the default source) records a dummy JACK server through ALSA's jack PCM, and says the "
          "silence is silence",
          "[realtime][cli][device]")
{
    test::TestDir dir;
    DummyJackServer jack(dir);
    if (!jack.isUp())
    {
        WARN("SKIPPED: no dummy JACK server: " << jack.whyNot());
        return;
    }
    const auto out = dir.file("out.wav");
    const auto json = dir.file("stats.json");
    const auto result =
        run({CAPSTAN_CLI_PATH, "record", out.string(), "--duration", "2", "--stats-json", json.string()}, dir, "record",
            30.0);
    INFO(result.out << result.err);
    REQUIRE(result.exitCode == 0);
    CHECK_THAT(result.err, Catch::Contains("capstan: recording from ALSA 'JACK Audio Connection Kit': 48000 Hz") &&
                               Catch::Contains("(the default input; `capstan devices` lists the others)"));
    // The dummy server's capture ports are digital silence: shorter than the 5 s threshold, but silent from start
    // to end, so the summary says so, and why.
    CHECK_THAT(result.out, Catch::Contains("warning: no signal: 2.0 s of digital silence from 0:00:00") &&
                               Catch::Contains("ALSA's 'jack' device, which records JACK's system:capture ports"));
    CHECK_THAT(test::readFileText(dir.file("out.wav.drops.json")),
               Catch::Contains("\"text\":\"no signal: 2.0 s of digital silence from 0:00:00\""));
    CHECK_THAT(result.out, Catch::Contains("recorded 2.000 s (96000 frames"));

    const auto stream = test::probeStream(out);
    CHECK(stream.integer("sample_rate") == 48000);
    CHECK(stream.integer("channels") == 2);
    CHECK(test::probeFormat(out).number("duration") == Approx(2.0).margin(0.3));
    // The frame budget in the device callback makes the length exact, whatever the device's block size.
    CHECK(test::decodeAudio<float>(out).size() == size_t(96000 * 2));

    const auto stats = test::readFileText(json);
    CHECK_THAT(stats, Catch::Contains("\"droppedFrames\":0,") && Catch::Contains("\"framesWritten\":96000,") &&
                          Catch::Contains("\"channelMismatches\":0,"));
}

TEST_CASE("capstan record --source device:metro records jack_metro's clicks through JUCE's JACK device type",
          "[realtime][cli][device]")
{
#if !CAPSTAN_DEVICES_HAVE_JACK
    WARN("SKIPPED: capstan was built without JUCE's JACK device type (needs jack/jack.h: libjack-jackd2-dev)");
    return;
#endif
    test::TestDir dir;
    DummyJackServer jack(dir);
    if (!jack.isUp())
    {
        WARN("SKIPPED: no dummy JACK server: " << jack.whyNot());
        return;
    }
    const auto metro = startMetro(jack, dir);
    if (!metro)
        return;

    SECTION("for a given duration: exact length, the clicks in it, no drops")
    {
        const auto out = dir.file("metro.wav");
        const auto json = dir.file("stats.json");
        const auto result = run({CAPSTAN_CLI_PATH, "record", out.string(), "--source", "device:metro", "--channels",
                                 "1", "--duration", "2", "--stats-json", json.string()},
                                dir, "record", 30.0);
        INFO(result.out << result.err);
        REQUIRE(result.exitCode == 0);
        CHECK_THAT(result.err, Catch::Contains("recording from JACK 'metro': 48000 Hz, 1 channel(s)"));
        const auto samples = test::decodeAudio<float>(out);
        CHECK(samples.size() == 96000);
        CHECK(peak(samples) == Approx(0.5f).margin(0.05f));
        // At 120 bpm two seconds hold at least three clicks: count rising edges above half the peak.
        int clicks = 0;
        for (size_t i = 0, lastClick = 0; i < samples.size(); ++i)
            if (std::abs(samples[i]) > 0.25f)
            {
                if (clicks == 0 || i - lastClick > 4800)
                    ++clicks;
                lastClick = i;
            }
        CHECK(clicks >= 3);
        CHECK(clicks <= 5);
        CHECK_THAT(test::readFileText(json),
                   Catch::Contains("\"droppedFrames\":0,") && Catch::Contains("\"silenceWarnings\":0,"));
        // The level the summary gives is the file's: jack_metro's 0.5 is -6.0 dBFS.
        CHECK_THAT(result.out, Catch::Contains("level: peak -6.0 dBFS, 0 sample(s) at full scale"));
        CHECK_THAT(result.out, !Catch::Contains("no signal"));
    }

    SECTION("until Ctrl-C: SIGINT stops it cleanly and the file holds what was recorded")
    {
        const auto out = dir.file("metro.flac");
        ChildProcess record({CAPSTAN_CLI_PATH, "record", out.string(), "--source", "device:metro", "--channels", "1"},
                            dir.file("sigint.out"), dir.file("sigint.err"));
        REQUIRE(record.started());
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
        while (record.err().find("recording from") == std::string::npos && std::chrono::steady_clock::now() < deadline)
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        std::this_thread::sleep_for(std::chrono::milliseconds(1500));
        record.signal(SIGINT);
        const auto code = record.wait(15.0);
        INFO(record.out() << record.err());
        REQUIRE(code.has_value());
        CHECK(*code == 0);
        CHECK_THAT(record.out(), Catch::Contains("recorded "));
        const auto samples = test::decodeAudio<float>(out);
        CHECK(double(samples.size()) / 48000 == Approx(1.5).margin(0.5));
        CHECK(peak(samples) == Approx(0.5f).margin(0.05f));
    }
}
