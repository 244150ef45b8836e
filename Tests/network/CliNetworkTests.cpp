// The command-line tool on network destinations and devices: `capstan encode` to rtmp:// and to ALSA's null device,
// `capstan record` to a local file and an RTMP stream at once.

#include "NetworkSupport.h"

#include <support/TestSupport.h>

#include <catch2/catch.hpp>

#include <fstream>

using namespace capstan;
using namespace capstan::test;

namespace
{
fs::path makeInput(const TestDir& dir, double seconds)
{
    const auto input = dir.file("input.wav");
    runFfmpeg({"-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000:duration=" + std::to_string(seconds), "-ac",
               "2", input.string()});
    return input;
}
} // namespace

TEST_CASE("cli: capstan encode streams a file to rtmp:// (flv, aac by default)", "[network][rtmp][cli]")
{
    TestDir dir;
    NginxRtmpServer server(dir.path() / "nginx", freeTcpPort());
    std::string reason;
    SKIP_UNLESS(server.start(reason), "nginx with the RTMP module cannot start: " << reason);
    const auto input = makeInput(dir, 2.0);

    const auto result = runCapstan({"encode", input.string(), server.url("cli")});
    INFO(result.err);
    REQUIRE(result.exitCode == 0);
    server.quit();
    const auto recordings = server.recordings();
    REQUIRE(recordings.size() == 1);
    CHECK(probeStream(recordings[0], "a:0").text("codec_name") == "aac");
    CHECK(probeFormat(recordings[0]).number("duration") == Approx(2.0).margin(0.1));

    // Nobody listening: one line naming the URL and the reason, exit code 1.
    const std::string nowhere = "rtmp://127.0.0.1:" + std::to_string(freeTcpPort()) + "/live/x";
    const auto failed = runCapstan({"encode", input.string(), nowhere});
    CHECK(failed.exitCode == 1);
    CHECK(failed.err.find(nowhere) != std::string::npos);
    CHECK(failed.err.find("Connection refused") != std::string::npos);
}

TEST_CASE("cli: capstan encode plays to ALSA's null device, and a missing device or device format is a clear error",
          "[network][device][cli]")
{
    TestDir dir;
    const auto input = makeInput(dir, 1.0);
    const auto played = runCapstan({"encode", input.string(), "null", "--format", "alsa"});
    INFO(played.err);
    CHECK(played.exitCode == 0);

    // A device takes no video: an input with video plays its audio.
    const auto withVideo = dir.file("av.mkv");
    runFfmpeg({"-f", "lavfi", "-i", "testsrc=size=64x48:rate=10:duration=1", "-f", "lavfi", "-i", "sine=duration=1",
               "-c:v", "ffv1", "-c:a", "flac", withVideo.string()});
    const auto playedAudio = runCapstan({"encode", withVideo.string(), "null", "--format", "alsa"});
    INFO(playedAudio.err);
    CHECK(playedAudio.exitCode == 0);

    const auto missing = runCapstan({"encode", input.string(), "no_such_alsa_device", "--format", "alsa"});
    CHECK(missing.exitCode == 1);
    CHECK(missing.err.find("'alsa' output device 'no_such_alsa_device'") != std::string::npos);

    const auto noFormat = runCapstan({"encode", input.string(), "default", "--format", "no_such_device_format"});
    CHECK(noFormat.exitCode != 0);
    CHECK(noFormat.err.find("no_such_device_format") != std::string::npos);
}

TEST_CASE("cli: capstan record writes a local file and an RTMP stream at once and reports the stream's state",
          "[network][rtmp][cli]")
{
    TestDir dir;
    NginxRtmpServer server(dir.path() / "nginx", freeTcpPort());
    std::string reason;
    SKIP_UNLESS(server.start(reason), "nginx with the RTMP module cannot start: " << reason);
    const auto local = dir.file("take.flac");
    const auto statsJson = dir.file("stats.json");
    const auto result = runCapstan({"record", local.string(), server.url("rec"), "--source", "tone", "--duration", "2",
                                    "--reconnect-delay", "0.5", "--stats-json", statsJson.string()});
    INFO(result.out << result.err);
    REQUIRE(result.exitCode == 0);
    CHECK(result.out.find("stream rtmp://127.0.0.1:" + std::to_string(server.port()) + "/live/<key>: closed") !=
          std::string::npos);
    CHECK(result.out.find("not sent 0.000 s") != std::string::npos);
    std::ifstream json(statsJson);
    const std::string text((std::istreambuf_iterator<char>(json)), {});
    CHECK(text.find("\"network\":true,\"state\":\"closed\"") != std::string::npos);
    server.quit();
    const auto recordings = server.recordings();
    REQUIRE(recordings.size() == 1);
    CHECK(probeStream(recordings[0], "a:0").text("codec_name") == "aac");
    CHECK(probeFormat(recordings[0]).number("duration") == Approx(2.0).margin(0.15));
    CHECK(probeFormat(local).number("duration") == Approx(2.0).margin(0.001));

    // Network options without a network output are a usage error.
    const auto usage = runCapstan({"record", local.string(), "--duration", "1", "--reconnect-attempts", "3"});
    CHECK(usage.exitCode == 2);
}
