// A recording whose process is killed, or whose disk fills, still leaves a playable file.

#include "support/TestSupport.h"

#include <capstan/realtime/CallbackDriver.h>

#include <catch2/catch.hpp>

#include <chrono>
#include <csignal>
#include <thread>

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace capstan;
namespace fs = std::filesystem;

namespace
{
constexpr int rate = 48000;

/** Starts the recording child, waits for it to report "recording", lets it record, SIGKILLs it; returns the
    seconds it recorded for (from its start line to the kill). */
double recordAndKill(const fs::path& output, const std::string& encoder, double seconds)
{
    int pipeFds[2];
    REQUIRE(pipe(pipeFds) == 0);
    const pid_t child = fork();
    REQUIRE(child >= 0);
    if (child == 0)
    {
        dup2(pipeFds[1], STDOUT_FILENO);
        close(pipeFds[0]);
        close(pipeFds[1]);
        execl(CAPSTAN_RECORD_CHILD_PATH, CAPSTAN_RECORD_CHILD_PATH, output.c_str(), encoder.c_str(), "60", nullptr);
        _exit(127);
    }
    close(pipeFds[1]);
    char line[64] = {};
    size_t got = 0;
    while (got < sizeof(line) - 1)
    {
        const ssize_t n = read(pipeFds[0], line + got, 1);
        if (n <= 0 || line[got] == '\n')
            break;
        ++got;
    }
    const auto started = std::chrono::steady_clock::now();
    const bool recording = std::string(line, got) == "recording";
    if (recording)
        std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
    const auto killedAt = std::chrono::steady_clock::now();
    kill(child, SIGKILL);
    int status = 0;
    waitpid(child, &status, 0);
    close(pipeFds[0]);
    REQUIRE(recording);
    CHECK(WIFSIGNALED(status));
    return std::chrono::duration<double>(killedAt - started).count();
}
} // namespace

TEST_CASE("SIGKILL while recording leaves a file that decodes up to within 1 s of the kill", "[realtime][crash]")
{
    // The crash-safe formats: each is streamable (no header rewritten at the end is needed to play it).
    struct Case
    {
        const char* file;
        const char* encoder;
    };
    const Case cases[] = {{"take.flac", "flac"},     {"take.mkv", "flac"},   {"take.ogg", "flac"},
                          {"take.ts", "aac"},        {"take.mp4", "aac"},    {"take.wav", "pcm_s16le"},
                          {"take.caf", "pcm_s16le"}, {"take.mka", "libopus"}};
    for (const auto& c : cases)
    {
        DYNAMIC_SECTION(c.file)
        {
            test::TestDir dir(c.file);
            const auto path = dir.file(c.file);
            const double recorded = recordAndKill(path, c.encoder, 2.5);
            REQUIRE(fs::exists(path));
            const auto decoded = test::decodeAudio<float>(path);
            const double decodedSeconds = double(decoded.size()) / 2.0 / rate;
            INFO("recorded " << recorded << " s before the kill, decoded " << decodedSeconds << " s");
            CHECK(decodedSeconds >= recorded - 1.0);
            CHECK(decodedSeconds <= recorded + 0.5);
        }
    }
}

TEST_CASE("disk full (RLIMIT_FSIZE): a clear error, the audio thread unaffected, the file playable",
          "[realtime][diskfull]")
{
    test::TestDir dir;
    RecorderConfig config;
    config.sampleRate = rate;
    config.numChannels = 2;
    config.outputs.push_back({.path = dir.file("big.wav").string(), .encoder = "pcm_f32le"});
    config.outputs.push_back({.path = dir.file("small.flac").string(), .encoder = "flac", .encoderFormat = "s16"});
    Recorder recorder(config);
    TestSignal signal({.kind = TestSignal::Kind::tone, .sampleRate = rate, .numChannels = 2, .amplitude = 0.1});
    CallbackDriver driver(signal, {.blockFrames = 256, .measurePushTimes = true});

    // 300 kB per file: the WAV (384 kB/s) hits it in under a second, the FLAC tone stays far below.
    constexpr rlim_t limit = 300 * 1000;
    rlimit previous{};
    getrlimit(RLIMIT_FSIZE, &previous);
    auto* previousHandler = std::signal(SIGXFSZ, SIG_IGN);
    rlimit capped = previous;
    capped.rlim_cur = limit;
    REQUIRE(setrlimit(RLIMIT_FSIZE, &capped) == 0);

    recorder.start();
    CallbackDriver::Result result;
    for (int i = 0; i < 4; ++i)
        result = driver.run(recorder, rate / 2);
    recorder.stop();

    setrlimit(RLIMIT_FSIZE, &previous);
    std::signal(SIGXFSZ, previousHandler);

    const auto stats = recorder.stats();
    INFO(stats.toJson());
    const auto errors = recorder.errors();
    REQUIRE(errors.size() == 1);
    CHECK_THAT(errors[0], Catch::Contains("big.wav") && Catch::Contains("File too large"));
    CHECK(stats.writeErrors == 1);
    CHECK_THAT(stats.firstError, Catch::Contains("big.wav"));
    CHECK(stats.droppedFrames == 0); // the audio thread never noticed
    CHECK(result.maxPushSeconds < 0.005);

    // The failed file plays up to the failure; the other output is complete.
    const auto big = test::decodeAudio<float>(dir.file("big.wav"));
    CHECK(big.size() > size_t(rate / 4));
    CHECK(big.size() * sizeof(float) <= limit);
    const auto small = test::decodeAudio<float>(dir.file("small.flac"));
    CHECK(small.size() == size_t(2 * 2 * rate));
    const std::string sidecar(test::readFileBytes(dir.file("big.wav.drops.json")).size(), ' ');
    CHECK(fs::exists(dir.file("big.wav.drops.json")));
}

TEST_CASE("SIGKILL with eight outputs at once: each loses at most 1 s", "[realtime][crash]")
{
    // One encoder thread serves every output, so eight of them (with Opus, AAC and Matroska among them) are the
    // worst case for what is still buffered when the process dies.
    test::TestDir dir;
    const std::vector<std::string> names = {"take.flac", "take.mkv", "take.ogg", "take.ts",
                                            "take.mp4",  "take.wav", "take.caf", "take.opus"};
    std::vector<std::string> argv = {CAPSTAN_CLI_PATH, "record"};
    for (const auto& name : names)
        argv.push_back(dir.file(name).string());
    argv.insert(argv.end(), {"--source", "noise"});
    test::ChildProcess child(argv, dir.file("out.txt"), dir.file("err.txt"));
    REQUIRE(child.started());
    // The outputs are opened together right before the first sample is recorded.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (!fs::exists(dir.file("take.opus")) && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    REQUIRE(fs::exists(dir.file("take.opus")));
    const auto started = std::chrono::steady_clock::now();
    std::this_thread::sleep_for(std::chrono::milliseconds(2500));
    child.signal(SIGKILL);
    const double recorded = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    REQUIRE(child.wait(5.0).has_value());
    CHECK(child.endedBySignal() == SIGKILL);
    for (const auto& name : names)
    {
        const auto decoded = test::decodeAudio<float>(dir.file(name));
        const double decodedSeconds = double(decoded.size()) / 2.0 / rate;
        INFO(name << ": recorded " << recorded << " s before the kill, decoded " << decodedSeconds << " s");
        CHECK(decodedSeconds >= recorded - 1.0);
        CHECK(decodedSeconds <= recorded + 0.5);
    }
}
