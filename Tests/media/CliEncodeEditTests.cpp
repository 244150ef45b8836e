// `capstan encode` as an editing tool: cuts (--ss/--to/-t), stream selection (--map, --audio-stream), stream copy
// (--encoder copy), channel layouts the encoder cannot take, the progress line and the summary of what was chosen.
// Judged with the ffmpeg/ffprobe CLIs.

#include "CliEncodeSupport.h"
#include "support/TestSupport.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <sstream>

using namespace capstan;
using namespace capstan::test;

namespace
{
/** 2 s of 320x240 30 fps H.264 (key frame every 15 frames) and AAC stereo, in mp4. */
fs::path makeH264(const TestDir& dir)
{
    const auto path = dir.file("av.mp4");
    runFfmpeg({"-f",         "lavfi",     "-i",   "testsrc=size=320x240:rate=30:d=2",
               "-f",         "lavfi",     "-i",   "sine=f=440:r=48000:d=2",
               "-ac",        "2",         "-c:v", "libx264",
               "-preset",    "ultrafast", "-g",   "15",
               "-pix_fmt",   "yuv420p",   "-c:a", "aac",
               path.string()});
    return path;
}

void requireQuietSuccess(const ProcessResult& result)
{
    INFO("stderr: " << result.err);
    REQUIRE(result.exitCode == 0);
    CHECK(result.err.empty()); // nothing converted, stderr no terminal: nothing to say
}

/** Packet hashes of one stream, as `ffmpeg -c copy -f framemd5` prints them (timestamps left out). */
std::vector<std::string> packetHashes(const fs::path& file, const std::string& stream)
{
    const auto result = runProcess(
        {"ffmpeg", "-v", "error", "-i", file.string(), "-map", "0:" + stream, "-c", "copy", "-f", "framemd5", "-"});
    REQUIRE(result.exitCode == 0);
    std::vector<std::string> hashes;
    std::istringstream lines(result.out);
    for (std::string line; std::getline(lines, line);)
        if (!line.empty() && line[0] != '#')
        {
            // stream, dts, pts, duration, size, hash[, side data...]
            std::istringstream fields(line);
            std::string field;
            for (int i = 0; i < 6 && std::getline(fields, field, ','); ++i)
                ;
            hashes.push_back(field);
        }
    return hashes;
}
} // namespace

TEST_CASE("capstan encode --ss/--to/-t cut audio on the exact sample, however it is chunked", "[cli][trim]")
{
    REQUIRE(haveFfmpegTools());
    TestDir dir;
    const auto wav = makeNoiseWav(dir);
    const auto all = decodeAudioBytes(wav, "s16le");
    const size_t frameBytes = 4; // s16 stereo
    // 0.5 s .. 0.75 s: samples 24000 .. 36000.
    const std::vector<uint8_t> expected(all.begin() + 24000 * frameBytes, all.begin() + 36000 * frameBytes);
    for (const auto& [cut, chunk] : std::vector<std::pair<std::vector<std::string>, std::string>>{
             {{"--ss", "0.5", "-t", "0.25"}, "4096"},
             {{"--ss", "500ms", "--to", "0.75"}, "1000"},
             {{"--ss", "0:00.5", "--duration", "250ms"}, "7"}})
    {
        INFO(cut[0] << " " << cut[1] << " " << cut[2] << " " << cut[3] << ", chunks of " << chunk);
        const auto out = dir.file("cut-" + chunk + ".wav");
        std::vector<std::string> args{"encode", wav.string(), out.string(), "--chunk-frames", chunk};
        args.insert(args.end(), cut.begin(), cut.end());
        requireQuietSuccess(runCapstan(args));
        const auto bytes = decodeAudioBytes(out, "s16le");
        CHECK(bytes.size() == expected.size());
        CHECK(bytes == expected);
    }
}

TEST_CASE("capstan encode --ss past the end says nothing was encoded; bad times are usage errors", "[cli][trim]")
{
    REQUIRE(haveFfmpegTools());
    TestDir dir;
    const auto wav = makeNoiseWav(dir);
    const auto past = runCapstan({"encode", wav.string(), dir.file("past.wav").string(), "--ss", "5"});
    INFO(past.err);
    CHECK(past.exitCode == 0);
    CHECK_THAT(past.err, Catch::Contains("past the end"));
    const auto pastCopy =
        runCapstan({"encode", wav.string(), dir.file("past.mka").string(), "--ss", "5", "--encoder", "copy"});
    INFO(pastCopy.err);
    CHECK(pastCopy.exitCode == 0);
    CHECK_THAT(pastCopy.err, Catch::Contains("nothing was copied"));

    checkUsageError(runCapstan({"encode", wav.string(), dir.file("a.wav").string(), "--ss", "1:75"}),
                    "--ss takes a time");
    checkUsageError(runCapstan({"encode", wav.string(), dir.file("b.wav").string(), "-t", "-1"}), "-1");
    checkUsageError(runCapstan({"encode", wav.string(), dir.file("c.wav").string(), "--ss", "1", "--to", "0.5"}),
                    "--to must be after --ss");
    checkUsageError(runCapstan({"encode", wav.string(), dir.file("d.wav").string(), "--to", "1", "-t", "1"}),
                    "give one");
    CHECK_FALSE(fs::exists(dir.file("a.wav")));
}

TEST_CASE("capstan encode cuts audio and video together", "[cli][trim]")
{
    REQUIRE(haveFfmpegTools());
    TestDir dir;
    const auto input = dir.file("av.nut");
    runFfmpeg({"-f", "lavfi", "-i", "testsrc=size=160x120:rate=30:d=2", "-f", "lavfi", "-i", "sine=f=440:r=48000:d=2",
               "-c:v", "rawvideo", "-pix_fmt", "rgb24", "-c:a", "pcm_s16le", input.string()});
    const auto out = dir.file("cut.mkv");
    requireQuietSuccess(runCapstan({"encode", input.string(), out.string(), "--ss", "1", "--to", "1.5",
                                    "--video-encoder", "ffv1", "--video-encoder-format", "bgr0", "--encoder", "flac"}));
    const auto pts = probeFramePts(out, "v:0");
    CHECK(pts.size() == 15);
    REQUIRE_FALSE(pts.empty());
    CHECK(pts.front() == Approx(0.0).margin(0.001));
    CHECK(decodeAudioBytes(out, "s16le").size() == 24000 * 2);
    // The first frame kept is the input's frame 30 (1 s): compare its pixels.
    const auto cutFrames = decodeVideoBytes(out, "rgb24");
    const auto inputFrames = decodeVideoBytes(input, "rgb24");
    const size_t frameBytes = 160 * 120 * 3;
    REQUIRE(cutFrames.size() >= frameBytes);
    REQUIRE(inputFrames.size() >= 31 * frameBytes);
    CHECK(std::equal(cutFrames.begin(), cutFrames.begin() + frameBytes, inputFrames.begin() + 30 * frameBytes));
}

TEST_CASE("capstan encode --map and --audio-stream pick the stream, as ffmpeg's -map does", "[cli][map]")
{
    REQUIRE(haveFfmpegTools());
    TestDir dir;
    // Stream 0: mono 440 Hz; stream 1: stereo 1000 Hz.
    const auto input = dir.file("two.mka");
    runFfmpeg({"-f", "lavfi", "-i", "sine=f=440:r=48000:d=1", "-f", "lavfi", "-i", "sine=f=1000:r=48000:d=1", "-map",
               "0:a", "-map", "1:a", "-ac:1", "2", "-c:a", "flac", input.string()});
    for (const auto& choice :
         std::vector<std::vector<std::string>>{{"--map", "0:a:1"}, {"--map", "1"}, {"--audio-stream", "1"}})
    {
        INFO(choice[0] << " " << choice[1]);
        const auto out = dir.file("pick" + choice[1] + choice[0].substr(2, 1) + ".flac");
        requireQuietSuccess(runCapstan({"encode", input.string(), out.string(), choice[0], choice[1]}));
        CHECK(probeStream(out).integer("channels") == 2);
    }
    const auto first = dir.file("first.flac");
    requireQuietSuccess(runCapstan({"encode", input.string(), first.string(), "--map", "0:a:0"}));
    CHECK(probeStream(first).integer("channels") == 1);

    const auto missing = runCapstan({"encode", input.string(), dir.file("x.flac").string(), "--map", "0:a:5"});
    checkUsageError(missing, "there is no audio stream 5");
    CHECK_THAT(missing.err, Catch::Contains("0:a:1"));
    checkUsageError(runCapstan({"encode", input.string(), dir.file("y.flac").string(), "--map", "0:v"}),
                    "there is no video stream");
    checkUsageError(runCapstan({"encode", input.string(), dir.file("z.flac").string(), "--map", "x:y"}), "--map takes");
    checkUsageError(runCapstan({"encode", input.string(), dir.file("w.flac").string(), "--audio-stream", "2"}),
                    "--audio-stream 2");
}

TEST_CASE("capstan encode --encoder copy remuxes packets bit-exact, and cuts on key frames", "[cli][copy]")
{
    REQUIRE(haveFfmpegTools());
    TestDir dir;
    const auto input = makeH264(dir);
    const auto mkv = dir.file("copy.mkv");
    requireQuietSuccess(runCapstan({"encode", input.string(), mkv.string(), "--encoder", "copy"}));
    CHECK(probeStream(mkv, "v:0").text("codec_name") == "h264");
    CHECK(probeStream(mkv, "a:0").text("codec_name") == "aac");
    CHECK(packetHashes(mkv, "v:0") == packetHashes(input, "v:0"));
    CHECK(packetHashes(mkv, "a:0") == packetHashes(input, "a:0"));

    // A cut at 0.7 s starts the video at the key frame at 0.5 s (frame 15) and keeps 1 s after the cut.
    const auto cut = dir.file("cut.mkv");
    requireQuietSuccess(runCapstan({"encode", input.string(), cut.string(), "--encoder", "copy", "--video-encoder",
                                    "copy", "--ss", "0.7", "-t", "1"}));
    const auto inputVideo = packetHashes(input, "v:0");
    const auto cutVideo = packetHashes(cut, "v:0");
    REQUIRE(cutVideo.size() >= 15);
    CHECK(std::equal(cutVideo.begin(), cutVideo.end(), inputVideo.begin() + 15));
    const double duration = probeFormat(cut).number("duration");
    CHECK(duration > 1.0);
    CHECK(duration < 1.3);

    // An audio container takes the audio of a movie, as with ffmpeg (mp3 and flac take only cover art as video).
    const auto mp3 = dir.file("movie.mp3");
    requireQuietSuccess(runCapstan({"encode", input.string(), mp3.string()}));
    auto mp3Counts = probeStreamCounts(mp3);
    CHECK(mp3Counts["audio"] == 1);
    CHECK(mp3Counts["video"] == 0);

    // Audio only: --no-video copies the AAC alone into an audio container.
    const auto m4a = dir.file("audio.m4a");
    requireQuietSuccess(runCapstan({"encode", input.string(), m4a.string(), "--encoder", "copy", "--no-video"}));
    auto counts = probeStreamCounts(m4a);
    CHECK(counts["audio"] == 1);
    CHECK(counts["video"] == 0);
    CHECK(packetHashes(m4a, "a:0") == packetHashes(input, "a:0"));
}

TEST_CASE("capstan encode --encoder copy refuses what a copy cannot do, in one line", "[cli][copy]")
{
    REQUIRE(haveFfmpegTools());
    TestDir dir;
    const auto flac = dir.file("in.flac");
    runFfmpeg({"-f", "lavfi", "-i", "sine=r=48000:d=1", "-c:a", "flac", flac.string()});
    const auto mp3 = runCapstan({"encode", flac.string(), dir.file("out.mp3").string(), "--encoder", "copy"});
    INFO(mp3.err);
    CHECK(mp3.exitCode == 1);
    CHECK_THAT(mp3.err, Catch::Contains("mp3 format may not carry flac: re-encode"));
    CHECK_FALSE(fs::exists(dir.file("out.mp3")));
    checkUsageError(
        runCapstan({"encode", flac.string(), dir.file("o.mka").string(), "--encoder", "copy", "--bit-rate", "192k"}),
        "--bit-rate changes what is encoded");
    const auto input = makeH264(dir);
    checkUsageError(runCapstan({"encode", input.string(), dir.file("o.mkv").string(), "--encoder", "copy",
                                "--video-encoder", "ffv1"}),
                    "copy applies to every stream");
}

TEST_CASE("capstan encode remixes channels the encoder cannot take and says so", "[cli][summary]")
{
    REQUIRE(haveFfmpegTools());
    TestDir dir;
    const auto surround = dir.file("surround.wav");
    runFfmpeg({"-f", "lavfi", "-i", "anoisesrc=r=96000:d=1:a=0.3", "-af", "pan=5.1|c0=c0|c1=c0|c2=c0|c3=c0|c4=c0|c5=c0",
               "-c:a", "pcm_s24le", surround.string()});
    const auto mp3 = dir.file("down.mp3");
    const auto result = runCapstan({"encode", surround.string(), mp3.string()});
    INFO(result.err);
    REQUIRE(result.exitCode == 0);
    const auto stream = probeStream(mp3);
    CHECK(stream.integer("channels") == 2);
    CHECK(stream.integer("sample_rate") == 48000);
    // Conversions are said even when nobody watches a terminal: one "wrote" line and the audio line.
    CHECK_THAT(result.err, Catch::Contains("capstan: wrote "));
    CHECK_THAT(result.err, Catch::Contains("-> libmp3lame 48000 Hz stereo"));
    CHECK_THAT(result.err, Catch::Contains("resampled 96000 -> 48000 Hz"));
    CHECK_THAT(result.err, Catch::Contains("downmixed 5.1"));
    CHECK(std::count(result.err.begin(), result.err.end(), '\n') == 2);

    // An explicit count is the user's: 1 channel it is.
    const auto mono = dir.file("mono.mp3");
    const auto explicitCount = runCapstan({"encode", surround.string(), mono.string(), "--encoder-channels", "1"});
    REQUIRE(explicitCount.exitCode == 0);
    CHECK(probeStream(mono).integer("channels") == 1);
}

TEST_CASE("capstan encode --stats shows position, speed and fps, and the summary of choices", "[cli][summary]")
{
    REQUIRE(haveFfmpegTools());
    TestDir dir;
    const auto input = makeH264(dir);
    const auto out = dir.file("stats.mkv");
    const auto result = runCapstan({"encode", input.string(), out.string(), "--video-encoder", "ffv1", "--stats"});
    INFO(result.err);
    REQUIRE(result.exitCode == 0);
    CHECK_THAT(result.err, Catch::Contains("s of 2.0 s"));
    CHECK_THAT(result.err, Catch::Contains("speed "));
    CHECK_THAT(result.err, Catch::Contains(" fps"));
    CHECK_THAT(result.err, Catch::Contains("capstan:   audio: aac 48000 Hz stereo fltp -> "));
    CHECK_THAT(result.err, Catch::Contains("capstan:   video: h264 320x240 30 fps yuv420p -> ffv1 320x240 30 fps"));
    // --no-stats wins: quiet.
    const auto quiet = runCapstan({"encode", input.string(), dir.file("q.mkv").string(), "--no-stats"});
    CHECK(quiet.exitCode == 0);
    CHECK(quiet.err.empty());
}
