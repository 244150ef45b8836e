// `capstan record` run as a user would: real outputs, the stats JSON, and the device source's clear error.

#include "support/TestSupport.h"

#include <catch2/catch.hpp>

#include <cmath>

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

    auto fast = test::runProcess({CAPSTAN_CLI_PATH, "record", out, "--pace", "fast", "--source", "tone"});
    CHECK(fast.exitCode == 2);
    CHECK_THAT(fast.err, Catch::Contains("needs --duration"));
}

TEST_CASE("capstan record: one rule for formats: the file source's rate and channels, FLAC in MKV",
          "[realtime][cli][defaults]")
{
    REQUIRE(test::haveFfmpegTools());
    test::TestDir dir;
    // 1 s of 96 kHz 5.1.
    const auto input = dir.file("in.wav");
    test::runFfmpeg({"-f", "lavfi", "-i", "sine=f=440:r=96000:d=1", "-af",
                     "pan=5.1|c0=c0|c1=c0|c2=c0|c3=c0|c4=c0|c5=c0", "-c:a", "pcm_s16le", input.string()});
    const auto kept = dir.file("kept.flac");
    auto result = test::runProcess(
        {CAPSTAN_CLI_PATH, "record", kept.string(), "--source", "file:" + input.string(), "--pace", "fast"});
    INFO(result.out << result.err);
    REQUIRE(result.exitCode == 0);
    auto stream = test::probeStream(kept);
    CHECK(stream.integer("sample_rate") == 96000);
    CHECK(stream.integer("channels") == 6);
    CHECK(test::decodeAudio<float>(kept).size() == size_t(96000 * 6));

    const auto told = dir.file("told.flac");
    result = test::runProcess({CAPSTAN_CLI_PATH, "record", told.string(), "--source", "file:" + input.string(),
                               "--pace", "fast", "--sample-rate", "48000", "--channels", "2"});
    REQUIRE(result.exitCode == 0);
    stream = test::probeStream(told);
    CHECK(stream.integer("sample_rate") == 48000);
    CHECK(stream.integer("channels") == 2);

    // MKV gets FLAC as the app's does (FFmpeg's own default for matroska is Vorbis); a named encoder still wins.
    const auto mkv = dir.file("take.mkv");
    const auto vorbis = dir.file("vorbis.mka");
    result = test::runProcess({CAPSTAN_CLI_PATH, "record", mkv.string(), vorbis.string(), "--source", "tone",
                               "--duration", "1", "--pace", "fast", "--encoder", "flac", "--encoder", "libvorbis"});
    REQUIRE(result.exitCode == 0);
    CHECK(test::probeStream(vorbis).text("codec_name") == "vorbis");
    result = test::runProcess({CAPSTAN_CLI_PATH, "record", dir.file("plain.mkv").string(), "--source", "tone",
                               "--duration", "1", "--pace", "fast"});
    REQUIRE(result.exitCode == 0);
    CHECK(test::probeStream(dir.file("plain.mkv")).text("codec_name") == "flac");
}

TEST_CASE("capstan record: levels, clipping and silence in the summary, the stats JSON, stderr and the sidecar",
          "[realtime][cli][signal]")
{
    REQUIRE(test::haveFfmpegTools());
    test::TestDir dir;
    SECTION("a clean take: its level, no warning, no sidecar (unless asked for)")
    {
        // ffmpeg's sine has amplitude 1/8: -18.06 dBFS.
        const auto input = dir.file("sine.wav");
        test::runFfmpeg({"-f", "lavfi", "-i", "sine=f=440:r=48000:d=1", "-c:a", "pcm_f32le", input.string()});
        const auto json = dir.file("stats.json");
        const auto result = test::runProcess({CAPSTAN_CLI_PATH, "record", dir.file("clean.flac").string(),
                                              dir.file("always.wav").string(), "--source", "file:" + input.string(),
                                              "--pace", "fast", "--stats-json", json.string()});
        INFO(result.out << result.err);
        REQUIRE(result.exitCode == 0);
        CHECK(result.err.empty());
        CHECK_THAT(result.out, Catch::Contains("level: peak -18.1 dBFS, 0 sample(s) at full scale"));
        CHECK_THAT(result.out, !Catch::Contains("warning"));
        CHECK_THAT(test::readFileText(json), Catch::Contains("\"maxPeakDbfs\":-18.06,\"signalWarning\":null,") &&
                                                 Catch::Contains("\"silenceWarnings\":0,"));
        CHECK_FALSE(fs::exists(dir.file("clean.flac.drops.json")));
        CHECK_FALSE(fs::exists(dir.file("always.wav.drops.json")));

        const auto again = test::runProcess({CAPSTAN_CLI_PATH, "record", dir.file("asked.flac").string(), "--source",
                                             "file:" + input.string(), "--pace", "fast", "--sidecar", "always"});
        REQUIRE(again.exitCode == 0);
        CHECK_THAT(test::readFileText(dir.file("asked.flac.drops.json")), Catch::Contains("\"complete\":true"));
    }
    SECTION("a hot take: the samples at full scale are counted")
    {
        const auto input = dir.file("hot.wav");
        test::runFfmpeg(
            {"-f", "lavfi", "-i", "aevalsrc=1.5*sin(2*PI*440*t):s=48000:d=1", "-c:a", "pcm_f32le", input.string()});
        const auto result = test::runProcess({CAPSTAN_CLI_PATH, "record", dir.file("hot.wav.flac").string(), "--source",
                                              "file:" + input.string(), "--pace", "fast"});
        INFO(result.out << result.err);
        REQUIRE(result.exitCode == 0);
        // Counted in the source itself: |1.5 sin| >= 1 for 46.4% of the time.
        int64_t over = 0;
        for (const float s : test::decodeAudio<float>(input))
            over += std::fabs(s) >= 1.0f ? 1 : 0;
        CHECK(over > 20000);
        CHECK_THAT(result.out, Catch::Contains("level: peak +3.5 dBFS, " + std::to_string(over) + " sample(s)") &&
                                   Catch::Contains("warning: " + std::to_string(over) +
                                                   " sample(s) at or beyond full scale (clipping)"));
    }
    SECTION("silence: a warning line on stderr once it starts (not a terminal), in the summary and the sidecar")
    {
        const auto input = dir.file("silence.wav");
        test::runFfmpeg(
            {"-f", "lavfi", "-i", "anullsrc=r=48000:cl=stereo", "-t", "1.5", "-c:a", "pcm_s16le", input.string()});
        const auto json = dir.file("stats.json");
        const auto take = dir.file("silent.flac");
        const auto result =
            test::runProcess({CAPSTAN_CLI_PATH, "record", take.string(), "--source", "file:" + input.string(),
                              "--silence-warning", "0.5", "--stats-json", json.string()});
        INFO(result.out << result.err);
        REQUIRE(result.exitCode == 0); // a warning, not a failure: the take is what the source gave
        CHECK(result.err == "capstan: warning: no signal: 0.5 s of digital silence from 0:00:00 (still recording)\n");
        CHECK_THAT(result.out, Catch::Contains("warning: no signal: 1.5 s of digital silence from 0:00:00; listed in "
                                               "the .drops.json sidecars"));
        CHECK_THAT(test::readFileText(json), Catch::Contains("\"silenceWarnings\":1,") &&
                                                 Catch::Contains("\"lastSignalWarning\":\"no signal: 1.5 s of"));
        CHECK_THAT(test::readFileText(dir.file("silent.flac.drops.json")),
                   Catch::Contains("\"frames\":72000,\"seconds\":0.000000,\"durationSeconds\":1.500000"));
        CHECK(test::decodeAudio<float>(take).size() == size_t(72000 * 2));
    }
}
