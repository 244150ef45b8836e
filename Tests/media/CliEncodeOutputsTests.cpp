// `capstan encode IN OUT1 OUT2 ...`: several outputs from one decode, each output's options written before it
// (ffmpeg's rule). Each output is judged against a single-output encode with the same settings, decoded by ffmpeg.

#include "CliEncodeSupport.h"
#include "support/TestSupport.h"

#include <catch2/catch.hpp>

#include <algorithm>

using namespace capstan;
using namespace capstan::test;

namespace
{
ProcessResult requireSuccess(const std::vector<std::string>& args)
{
    const auto result = runCapstan(args);
    INFO("capstan " << args[0] << " ...: " << result.err);
    REQUIRE(result.exitCode == 0);
    return result;
}

/** The same file encoded alone, with `settings` after its output, as every single-output encode has been written. */
fs::path encodeAlone(const TestDir& dir, const fs::path& input, const std::string& name,
                     const std::vector<std::string>& settings)
{
    const auto out = dir.file("alone-" + name);
    std::vector<std::string> args{"encode", input.string(), out.string()};
    args.insert(args.end(), settings.begin(), settings.end());
    requireSuccess(args);
    return out;
}
} // namespace

TEST_CASE("capstan encode writes two and three outputs from one decode, each as it would be written alone",
          "[cli][outputs]")
{
    REQUIRE(haveFfmpegTools());
    TestDir dir;
    const auto wav = makeNoiseWav(dir);
    struct Output
    {
        std::string name;
        std::vector<std::string> settings;
        std::string codec;
        int sampleRate;
    };
    const std::vector<Output> three = {
        {"a.flac", {"--encoder", "flac", "--compression-level", "8"}, "flac", 48000},
        {"b.mp3", {"--encoder", "libmp3lame", "--bit-rate", "128k", "--encoder-sample-rate", "44100"}, "mp3", 44100},
        {"c.ogg", {"--encoder", "libopus", "--bit-rate", "64k"}, "opus", 48000}};
    for (const size_t count : {size_t(2), size_t(3)})
    {
        INFO(count << " outputs");
        std::vector<std::string> args{"encode", wav.string()};
        for (size_t i = 0; i < count; ++i)
        {
            args.insert(args.end(), three[i].settings.begin(), three[i].settings.end());
            args.push_back(dir.file(std::to_string(count) + "-" + three[i].name).string());
        }
        const auto result = requireSuccess(args);
        CHECK(result.err.find("error") == std::string::npos);
        for (size_t i = 0; i < count; ++i)
        {
            INFO(three[i].name);
            const auto out = dir.file(std::to_string(count) + "-" + three[i].name);
            const auto stream = probeStream(out);
            CHECK(stream.text("codec_name") == three[i].codec);
            CHECK(stream.integer("sample_rate") == three[i].sampleRate);
            // Every encoder here is deterministic: one decode feeding several writers gives each the same samples
            // as a decode of its own, so the decoded audio is bit-exact the single-output encode's.
            const auto alone = encodeAlone(dir, wav, std::to_string(count) + "-" + three[i].name, three[i].settings);
            const auto decoded = decodeAudioBytes(out, "f32le");
            CHECK(decoded.size() > 0);
            CHECK(decoded == decodeAudioBytes(alone, "f32le"));
        }
        // Lossless: the FLAC holds the input's samples exactly.
        CHECK(decodeAudioBytes(dir.file(std::to_string(count) + "-a.flac"), "s16le") == decodeAudioBytes(wav, "s16le"));
    }
}

TEST_CASE("capstan encode: an output's options are the ones written before it; the cut holds for every output",
          "[cli][outputs]")
{
    REQUIRE(haveFfmpegTools());
    TestDir dir;
    const auto wav = makeNoiseWav(dir);
    // --bit-rate before INPUT belongs to the first output; -t between the outputs holds for both.
    requireSuccess({"encode", "--bit-rate", "160k", wav.string(), dir.file("a.mp3").string(), "-t", "1",
                    "--encoder-sample-rate", "32000", dir.file("b.mp3").string()});
    const auto a = probeStream(dir.file("a.mp3")), b = probeStream(dir.file("b.mp3"));
    CHECK(a.integer("bit_rate") == 160000);
    CHECK(a.integer("sample_rate") == 48000);
    CHECK(b.integer("bit_rate") != 160000); // the default at 32 kHz
    CHECK(b.integer("sample_rate") == 32000);
    for (const char* name : {"a.mp3", "b.mp3"})
    {
        INFO(name);
        const double duration = probeFormat(dir.file(name)).number("duration");
        CHECK(duration == Approx(1.0).margin(0.06)); // MP3 declares its frames, padding included
    }
    // Options for a stream an output does not take are refused for that output, naming it.
    const auto noVideo = runCapstan({"encode", wav.string(), dir.file("c.flac").string(), "--video-encoder", "libx264",
                                     dir.file("d.mp4").string()});
    checkUsageError(noVideo, "'" + dir.file("d.mp4").string() + "': --video-encoder configures the video stream");
    CHECK_FALSE(fs::exists(dir.file("c.flac")));
}

TEST_CASE("capstan encode: an A/V input into an audio-only and an A/V output", "[cli][outputs]")
{
    REQUIRE(haveFfmpegTools());
    TestDir dir;
    const auto input = dir.file("av.nut");
    runFfmpeg({"-f", "lavfi", "-i", "testsrc=size=160x120:rate=30:d=1", "-f", "lavfi", "-i", "sine=f=440:r=48000:d=1",
               "-c:v", "rawvideo", "-pix_fmt", "rgb24", "-c:a", "pcm_s16le", input.string()});
    requireSuccess({"encode", input.string(), "--encoder", "flac", dir.file("a.flac").string(), "--video-encoder",
                    "ffv1", "--video-encoder-format", "bgr0", "--encoder", "flac", dir.file("b.mkv").string()});
    CHECK(probeStreamCounts(dir.file("a.flac")) == std::map<std::string, int>{{"audio", 1}});
    CHECK(probeStreamCounts(dir.file("b.mkv")) == std::map<std::string, int>{{"audio", 1}, {"video", 1}});
    CHECK(probeFramePts(dir.file("b.mkv"), "v:0").size() == 30);
    const auto samples = decodeAudioBytes(input, "s16le");
    CHECK(decodeAudioBytes(dir.file("a.flac"), "s16le") == samples);
    CHECK(decodeAudioBytes(dir.file("b.mkv"), "s16le") == samples);
    // The video is lossless too: the frames are the input's.
    CHECK(decodeVideoBytes(dir.file("b.mkv"), "rgb24") == decodeVideoBytes(input, "rgb24"));
}

TEST_CASE("capstan encode with several outputs: nothing is overwritten or left behind", "[cli][outputs][overwrite]")
{
    REQUIRE(haveFfmpegTools());
    TestDir dir;
    const auto wav = makeNoiseWav(dir);
    const auto a = dir.file("a.flac"), b = dir.file("b.mp3");
    const std::vector<uint8_t> mine = {'m', 'i', 'n', 'e'};
    writeFileBytes(b, mine);

    // The second output exists: refused before anything opens, so the first is not written either.
    const auto refused = runCapstan({"encode", wav.string(), a.string(), b.string()});
    INFO(refused.err);
    CHECK(refused.exitCode == 1);
    CHECK_THAT(refused.err, Catch::Contains("'" + b.string() + "' already exists") && Catch::Contains("-y"));
    CHECK_FALSE(fs::exists(a));
    CHECK(readFileBytes(b) == mine);
    // -n refuses the same way; -y (global, as ffmpeg's) replaces it.
    CHECK(runCapstan({"encode", wav.string(), a.string(), b.string(), "-n"}).exitCode == 1);
    CHECK_FALSE(fs::exists(a));
    requireSuccess({"encode", wav.string(), a.string(), "-y", b.string()});
    CHECK(probeStream(b).text("codec_name") == "mp3");
    CHECK(probeStream(a).text("codec_name") == "flac");

    // The second output fails to open after the first was opened: the first one's partial file is removed and said.
    const auto c = dir.file("c.flac"), d = dir.file("d.mp3");
    const auto failed = runCapstan({"encode", wav.string(), c.string(), "--format-option", "nosuch=1", d.string()});
    INFO(failed.err);
    CHECK(failed.exitCode == 1);
    CHECK(std::count(failed.err.begin(), failed.err.end(), '\n') == 1);
    CHECK_THAT(failed.err, Catch::Contains("'" + d.string() + "': unknown option 'nosuch'") &&
                               Catch::Contains("the partial output '" + c.string() + "'") &&
                               Catch::Contains("was removed"));
    CHECK_FALSE(fs::exists(c));
    CHECK_FALSE(fs::exists(d));

    // Two outputs that are one file, or a copy with several outputs: usage errors, nothing written.
    checkUsageError(runCapstan({"encode", wav.string(), c.string(), (dir.path() / "." / "c.flac").string()}),
                    "are the same file");
    checkUsageError(runCapstan({"encode", wav.string(), "--encoder", "copy", dir.file("e.wav").string(), d.string()}),
                    "writes one output per command");
    checkUsageError(runCapstan({"encode", wav.string(), "--format", "wav", "-", "--format", "wav", "-"}),
                    "standard output");
    // A per-output option after the last of several outputs is refused, not silently dropped.
    checkUsageError(runCapstan({"encode", wav.string(), c.string(), d.string(), "--bit-rate", "128k"}),
                    "--bit-rate is written after the last OUTPUT");
    CHECK_FALSE(fs::exists(c));
    CHECK_FALSE(fs::exists(d));
    CHECK_FALSE(fs::exists(dir.file("e.wav")));
}

TEST_CASE("capstan encode --help tells how options go with several outputs", "[cli][outputs]")
{
    const auto help = runCapstan({"encode", "--help"});
    CHECK(help.exitCode == 0);
    CHECK_THAT(help.out, Catch::Contains("usage: capstan encode [options] INPUT OUTPUT [OUTPUT ...]") &&
                             Catch::Contains("Several outputs"));
}
