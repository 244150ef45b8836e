// `capstan record` run as a user would: real outputs, the stats JSON, and the device source's clear error.

#include "support/TestSupport.h"

#include <catch2/catch.hpp>

using namespace capstan;
namespace fs = std::filesystem;

TEST_CASE("capstan record writes every output, a stats JSON and a summary", "[realtime][cli]")
{
    test::TestDir dir;
    const auto flac = dir.file("take.flac").string();
    const auto wav = dir.file("take.wav").string();
    const auto json = dir.file("stats.json").string();
    const auto result = test::runProcess({CAPSTAN_CLI_PATH, "record", flac, wav, "--source", "noise", "--duration",
                                          "3.25", "--pace", "fast", "--block-frames", "100", "--split-seconds", "1",
                                          "--pre-roll", "0.5", "--stats-json", json});
    INFO(result.out << result.err);
    REQUIRE(result.exitCode == 0);
    CHECK_THAT(result.out, Catch::Contains("recorded 3.750 s"));
    // 3.75 s (0.5 s pre-roll + 3.25 s) in 1 s segments: 4 per output.
    for (const auto* name : {"take-001.flac", "take-004.flac", "take-001.wav", "take-004.wav"})
        CHECK(fs::exists(dir.file(name)));
    CHECK_FALSE(fs::exists(dir.file("take-005.flac")));
    const auto stats =
        std::string(reinterpret_cast<const char*>(test::readFileBytes(json).data()), test::readFileBytes(json).size());
    CHECK_THAT(stats, Catch::Contains("\"framesWritten\":180000") && Catch::Contains("\"droppedFrames\":0") &&
                          Catch::Contains("take-004.wav"));
}

TEST_CASE("capstan record: a device source or bad options give one clear line", "[realtime][cli]")
{
    test::TestDir dir;
    const auto out = dir.file("x.wav").string();
    // (Real device capture is tested in DeviceRecordTests.cpp; a named device that does not exist never opens one.)
    auto device = test::runProcess({CAPSTAN_CLI_PATH, "record", out, "--source", "device:NoSuchDevice"});
    CHECK(device.exitCode == 1);
    CHECK_THAT(device.err, Catch::Contains("no audio input device named 'NoSuchDevice'"));

    auto pace = test::runProcess({CAPSTAN_CLI_PATH, "record", out, "--pace", "slow"});
    CHECK(pace.exitCode == 2);
    CHECK_THAT(pace.err, Catch::Contains("realtime, fast"));

    auto fast = test::runProcess({CAPSTAN_CLI_PATH, "record", out, "--pace", "fast"});
    CHECK(fast.exitCode == 2);
    CHECK_THAT(fast.err, Catch::Contains("needs --duration"));
}
