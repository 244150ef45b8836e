// The `capstan` command-line tool, run as a user runs it: a child process, its exit code, its stdout and stderr.
// Outputs are judged with ffprobe/ffmpeg (TestSupport), not with our own reader.

#include "support/TestSupport.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <sstream>

using namespace capstan;
using namespace capstan::test;

namespace
{
/** 2 s of 48 kHz stereo s16: a sine left, a chirp right. */
fs::path makeWav(const TestDir& dir)
{
    const auto path = dir.file("input.wav");
    runFfmpeg({"-f", "lavfi", "-i", "sine=f=440:r=48000:d=2", "-f", "lavfi", "-i",
               "aevalsrc=0.4*sin(2*PI*(200+2000*t)*t):s=48000:d=2", "-filter_complex",
               "[0:a][1:a]join=inputs=2:channel_layout=stereo", "-c:a", "pcm_s16le", path.string()});
    return path;
}

/** 2 s of 320x240 30 fps test pattern (raw rgb24) with 48 kHz stereo audio, in nut. */
fs::path makeAudioVideo(const TestDir& dir)
{
    const auto path = dir.file("input_av.nut");
    runFfmpeg({"-f", "lavfi", "-i", "testsrc=size=320x240:rate=30:d=2", "-f", "lavfi", "-i", "sine=f=440:r=48000:d=2",
               "-ac", "2", "-c:v", "rawvideo", "-pix_fmt", "rgb24", "-c:a", "pcm_s16le", path.string()});
    return path;
}

/** A failure prints exactly one line, "capstan: error: ...", and nothing on stdout. */
void checkOneLineError(const ProcessResult& result, int exitCode, const std::string& mentions)
{
    INFO("stderr: " << result.err);
    CHECK(result.exitCode == exitCode);
    CHECK(std::count(result.err.begin(), result.err.end(), '\n') == 1);
    CHECK(result.err.rfind("capstan: error: ", 0) == 0);
    CHECK_THAT(result.err, Catch::Contains(mentions));
    CHECK(result.out.empty());
}

void requireSuccess(const ProcessResult& result)
{
    INFO("stderr: " << result.err);
    REQUIRE(result.exitCode == 0);
    // Not a terminal: no progress, nothing on stderr.
    CHECK(result.err.empty());
}
} // namespace

TEST_CASE("capstan encode: wav to flac is bit-exact", "[cli]")
{
    REQUIRE(haveFfmpegTools());
    TestDir dir;
    const auto wav = makeWav(dir);
    const auto flac = dir.file("out.flac");
    requireSuccess(runCapstan({"encode", wav.string(), flac.string()}));
    const auto stream = probeStream(flac, "a:0");
    CHECK(stream.text("codec_name") == "flac");
    CHECK(stream.integer("sample_rate") == 48000);
    CHECK(stream.integer("channels") == 2);
    CHECK(decodeAudioBytes(flac, "s16le") == decodeAudioBytes(wav, "s16le"));
}

TEST_CASE("capstan encode: a 24-bit WAV or FLAC becomes a 24-bit WAV with the same samples", "[cli]")
{
    // FFmpeg decodes 24-bit audio into 32-bit samples; the file written keeps the source's 24 bits, not 32.
    REQUIRE(haveFfmpegTools());
    TestDir dir;
    const auto source = dir.file("in24.wav");
    runFfmpeg({"-f", "lavfi", "-i", "anoisesrc=r=48000:d=1:a=0.5", "-ac", "2", "-c:a", "pcm_s24le", source.string()});
    const auto flac = dir.file("in24.flac");
    runFfmpeg({"-i", source.string(), "-c:a", "flac", flac.string()});
    for (const auto& input : {source, flac})
    {
        INFO(input.filename());
        const auto output = dir.file("out-" + input.extension().string().substr(1) + ".wav");
        requireSuccess(runCapstan({"encode", input.string(), output.string()}));
        CHECK(probeStream(output, "a:0").text("codec_name") == "pcm_s24le");
        CHECK(decodeAudioBytes(output, "s32le") == decodeAudioBytes(source, "s32le"));
    }
}

TEST_CASE("capstan encode: lossy audio decodes to the input's rate, channels and length", "[cli]")
{
    REQUIRE(haveFfmpegTools());
    TestDir dir;
    const auto wav = makeWav(dir);

    struct Case
    {
        std::string file, codec;
        std::vector<std::string> extra;
        int sampleRate;
    };
    const std::vector<Case> cases = {
        {"out.mp3", "mp3", {"--encoder", "libmp3lame", "--bit-rate", "192000"}, 48000},
        {"out.opus", "opus", {"--encoder", "libopus", "--bit-rate", "128000"}, 48000},
        {"out.m4a", "aac", {"--encoder", "aac"}, 48000},
        {"out_22k.mp3", "mp3", {"--encoder-sample-rate", "22050", "--encoder-channels", "1"}, 22050},
    };
    for (const auto& c : cases)
    {
        CAPTURE(c.file);
        std::vector<std::string> args{"encode", wav.string(), dir.file(c.file).string()};
        args.insert(args.end(), c.extra.begin(), c.extra.end());
        requireSuccess(runCapstan(args));
        const auto stream = probeStream(dir.file(c.file), "a:0");
        CHECK(stream.text("codec_name") == c.codec);
        CHECK(stream.integer("sample_rate") == c.sampleRate);
        CHECK(stream.integer("channels") == (c.file == "out_22k.mp3" ? 1 : 2));
        // Decoded length: 2 s, give or take the codec's padding (one frame at most).
        const auto samples = decodeAudio<float>(dir.file(c.file), {"-ac", "1", "-ar", "48000"});
        CHECK(std::abs(double(samples.size()) / 48000.0 - 2.0) < 0.05);
        // Not silence: the signal made it through (RMS of the 0.5-amplitude mix is well above zero).
        CHECK(rms(samples) > 0.1);
    }
}

TEST_CASE("capstan encode: audio + video into mp4 keeps every frame, in time", "[cli]")
{
    REQUIRE(haveFfmpegTools());
    TestDir dir;
    const auto input = makeAudioVideo(dir);
    const auto mp4 = dir.file("out.mp4");
    requireSuccess(runCapstan({"encode", input.string(), mp4.string(), "--encoder", "aac", "--video-encoder", "libx264",
                               "--video-option", "preset=veryfast"}));
    CHECK(probeStreamCounts(mp4) == std::map<std::string, int>{{"audio", 1}, {"video", 1}});
    const auto video = probeStream(mp4, "v:0", true);
    CHECK(video.text("codec_name") == "h264");
    CHECK(video.integer("width") == 320);
    CHECK(video.integer("height") == 240);
    CHECK(video.integer("nb_read_frames") == 60);
    const auto pts = probeFramePts(mp4, "v:0");
    REQUIRE(pts.size() == 60);
    for (size_t i = 0; i < pts.size(); ++i)
        REQUIRE(pts[i] == Approx(double(i) / 30.0).margin(1e-3));
    const auto audio = probeStream(mp4, "a:0");
    CHECK(audio.text("codec_name") == "aac");
    CHECK(audio.integer("sample_rate") == 48000);
    CHECK(audio.number("duration") == Approx(2.0).margin(0.03));
}

TEST_CASE("capstan encode: audio that starts after the video keeps its offset", "[cli]")
{
    REQUIRE(haveFfmpegTools());
    TestDir dir;
    const auto input = dir.file("late_audio.nut");
    runFfmpeg({"-f",          "lavfi",
               "-i",          "testsrc=size=160x120:rate=25:d=3",
               "-itsoffset",  "0.5",
               "-f",          "lavfi",
               "-i",          "sine=f=440:r=48000:d=2.5",
               "-map",        "0",
               "-map",        "1",
               "-c:v",        "rawvideo",
               "-pix_fmt",    "yuv420p",
               "-c:a",        "pcm_s16le",
               input.string()});
    const auto out = dir.file("out.mkv");
    requireSuccess(
        runCapstan({"encode", input.string(), out.string(), "--encoder", "flac", "--video-encoder", "ffv1"}));

    // The audio track starts with the video, holds 0.5 s of silence, then the 2.5 s tone.
    const auto samples = decodeAudio<int16_t>(out, {"-ac", "1"});
    REQUIRE(samples.size() == 3 * 48000);
    CHECK(std::all_of(samples.begin(), samples.begin() + 24000, [](int16_t v) { return v == 0; }));
    CHECK(std::any_of(samples.begin() + 24000, samples.begin() + 25000, [](int16_t v) { return v != 0; }));
    CHECK(probeStream(out, "v:0", true).integer("nb_read_frames") == 75);
}

TEST_CASE("capstan encode: --chunk-frames 1, 7 and 4096 give byte-identical files", "[cli][chunking]")
{
    REQUIRE(haveFfmpegTools());
    TestDir dir;
    const auto wav = makeWav(dir);
    const auto av = makeAudioVideo(dir);

    struct Case
    {
        fs::path input;
        std::string extension;
        std::vector<std::string> extra;
    };
    const std::vector<Case> cases = {
        {wav, "flac", {}},
        {wav, "mp3", {"--encoder", "libmp3lame"}},
        {wav, "opus", {}},
        {av, "mp4", {"--video-encoder", "libx264", "--video-option", "preset=veryfast"}},
    };
    for (const auto& c : cases)
    {
        CAPTURE(c.extension);
        std::vector<std::vector<uint8_t>> outputs;
        for (const std::string chunk : {"1", "7", "4096"})
        {
            const auto out = dir.file("chunk" + chunk + "." + c.extension);
            std::vector<std::string> args{"encode", c.input.string(), out.string(), "--chunk-frames", chunk};
            args.insert(args.end(), c.extra.begin(), c.extra.end());
            requireSuccess(runCapstan(args));
            outputs.push_back(readFileBytes(out));
        }
        REQUIRE(outputs[0].size() > 1000);
        CHECK(outputs[0] == outputs[1]);
        CHECK(outputs[0] == outputs[2]);
    }
}

TEST_CASE("capstan encode: '-' writes to standard output", "[cli]")
{
    REQUIRE(haveFfmpegTools());
    TestDir dir;
    const auto wav = makeWav(dir);
    const auto result = runCapstan({"encode", wav.string(), "-", "--format", "flac"});
    requireSuccess(result);
    const auto piped = dir.file("piped.flac");
    writeFileBytes(piped, std::span(reinterpret_cast<const uint8_t*>(result.out.data()), result.out.size()));
    CHECK(decodeAudioBytes(piped, "s16le") == decodeAudioBytes(wav, "s16le"));
}

TEST_CASE("capstan encode: options reach the right stream and muxer", "[cli]")
{
    REQUIRE(haveFfmpegTools());
    TestDir dir;
    const auto wav = makeWav(dir);
    const auto out = dir.file("tagged.mp3");
    requireSuccess(runCapstan({"encode", wav.string(), out.string(), "--option", "joint_stereo=0", "--filter",
                               "volume=0.5", "--metadata", "title=Take 1", "--format-option", "id3v2_version=3"}));
    CHECK(probeFormat(out).text("TAG:title") == "Take 1");
    // volume=0.5 halves the level: compare against an encode without the filter.
    const auto plain = dir.file("plain.mp3");
    requireSuccess(runCapstan({"encode", wav.string(), plain.string()}));
    const double ratio = rms(decodeAudio<float>(out)) / rms(decodeAudio<float>(plain));
    CHECK(ratio == Approx(0.5).margin(0.02));
}

TEST_CASE("capstan: errors are one line and a non-zero exit code", "[cli][errors]")
{
    REQUIRE(haveFfmpegTools());
    TestDir dir;
    const auto wav = makeWav(dir);
    const auto out = dir.file("out.mp3").string();

    SECTION("missing input file")
    {
        const auto missing = dir.file("missing.wav").string();
        checkOneLineError(runCapstan({"encode", missing, out}), 1, missing);
    }
    SECTION("unknown encoder")
    {
        checkOneLineError(runCapstan({"encode", wav.string(), out, "--encoder", "nosuchcodec"}), 1,
                          "unknown encoder 'nosuchcodec'");
    }
    SECTION("option the encoder does not know")
    {
        checkOneLineError(runCapstan({"encode", wav.string(), out, "--option", "nosuchoption=1"}), 1, "'nosuchoption'");
    }
    SECTION("--option without KEY=VALUE")
    {
        checkOneLineError(runCapstan({"encode", wav.string(), out, "--option", "novalue"}), 2, "KEY=VALUE");
    }
    SECTION("'-' without --format")
    {
        checkOneLineError(runCapstan({"encode", wav.string(), "-"}), 2, "needs --format");
    }
    SECTION("unknown command")
    {
        checkOneLineError(runCapstan({"frobnicate"}), 2, "unknown command 'frobnicate'");
    }
    SECTION("unknown option")
    {
        checkOneLineError(runCapstan({"encode", wav.string(), out, "--frobnicate"}), 2, "'--frobnicate'");
    }
    SECTION("missing argument")
    {
        checkOneLineError(runCapstan({"encode", wav.string()}), 2, "needs OUTPUT");
    }
    SECTION("bad chunk size")
    {
        checkOneLineError(runCapstan({"encode", wav.string(), out, "--chunk-frames", "0"}), 2, "--chunk-frames");
    }
    SECTION("video option without video")
    {
        checkOneLineError(runCapstan({"encode", wav.string(), out, "--video-option", "preset=fast"}), 2,
                          "no video is encoded");
    }
    SECTION("unwritable destination")
    {
        checkOneLineError(runCapstan({"encode", wav.string(), "/nonexistent-dir/out.mp3"}), 1, "/nonexistent-dir");
    }
    SECTION("bad filter: FFmpeg's own error line is folded into ours")
    {
        checkOneLineError(runCapstan({"encode", wav.string(), out, "--filter", "nosuchfilter"}), 1, "nosuchfilter");
    }
}

TEST_CASE("capstan: --help on every command", "[cli]")
{
    for (const std::vector<std::string>& args : {std::vector<std::string>{"--help"},
                                                 {"encode", "--help"},
                                                 {"encoders", "--help"},
                                                 {"muxers", "--help"},
                                                 {"demo", "-h"}})
    {
        CAPTURE(args);
        const auto result = runCapstan(args);
        CHECK(result.exitCode == 0);
        CHECK(result.out.rfind("usage: capstan", 0) == 0);
        CHECK(result.err.empty());
    }
    // The encode help says which options go to which stream.
    CHECK_THAT(runCapstan({"encode", "--help"}).out, Catch::Contains("--video-option") && Catch::Contains("AUDIO"));
}

TEST_CASE("capstan encoders and muxers list this FFmpeg build", "[cli]")
{
    // Rows by their first column; each row's other columns as one string.
    const auto table = [](const std::string& out)
    {
        std::map<std::string, std::vector<std::string>> rows;
        std::istringstream lines(out);
        std::string line;
        std::getline(lines, line); // header
        while (std::getline(lines, line))
        {
            std::istringstream fields(line);
            std::vector<std::string> columns;
            for (std::string field; fields >> field;)
                columns.push_back(field);
            if (!columns.empty())
                rows[columns[0]] = columns;
        }
        return rows;
    };

    const auto encoders = runCapstan({"encoders"});
    REQUIRE(encoders.exitCode == 0);
    CHECK(encoders.out.rfind("NAME", 0) == 0);
    const auto encoderRows = table(encoders.out);
    REQUIRE(encoderRows.count("libmp3lame") == 1);
    CHECK(encoderRows.at("libmp3lame")[1] == "audio");
    CHECK(encoderRows.at("libmp3lame")[2] == "libmp3lame"); // long name: "libmp3lame MP3 (MPEG audio layer 3)"
    REQUIRE(encoderRows.count("libx264") == 1);
    CHECK(encoderRows.at("libx264")[1] == "video");
    CHECK(encoderRows.count("flac") == 1);

    const auto audioOnly = table(runCapstan({"encoders", "--audio"}).out);
    CHECK(audioOnly.size() > 10);
    for (const auto& [name, columns] : audioOnly)
    {
        CAPTURE(name);
        CHECK(columns[1] == "audio");
    }

    const auto muxers = runCapstan({"muxers"});
    REQUIRE(muxers.exitCode == 0);
    const auto muxerRows = table(muxers.out);
    REQUIRE(muxerRows.count("mp4") == 1);
    CHECK(muxerRows.at("mp4")[1] == "audio,video");
    REQUIRE(muxerRows.count("wav") == 1);
    CHECK(muxerRows.at("wav")[1] == "audio");
}

TEST_CASE("capstan demo writes and checks every example", "[cli][demo]")
{
    REQUIRE(haveFfmpegTools());
    TestDir dir;
    const auto result = runCapstan({"demo", dir.path().string()});
    INFO(result.out << result.err);
    REQUIRE(result.exitCode == 0);
    for (const std::string file : {"a_wav_8k_stereo.wav", "b_memory.mp3", "c_still.png", "d_video.mp4",
                                   "e_video_audio.mp4", "f_yuv422p.mov", "g_bgr24.mp4"})
    {
        CAPTURE(file);
        CHECK(fs::file_size(dir.file(file)) > 0);
        CHECK_THAT(result.out, Catch::Contains(file));
    }
    CHECK_THAT(result.out, !Catch::Contains("FAIL"));
    // Independent look at two of them.
    CHECK(probeStream(dir.file("f_yuv422p.mov"), "v:0").text("pix_fmt") == "yuv422p");
    CHECK(probeStream(dir.file("d_video.mp4"), "v:0", true).integer("nb_read_frames") == 90);
}

TEST_CASE("capstan encoder NAME: formats, options with defaults, ranges and named values", "[cli]")
{
    const auto opus = runCapstan({"encoder", "libopus"});
    INFO(opus.out << opus.err);
    CHECK(opus.exitCode == 0);
    CHECK_THAT(opus.out, Catch::Contains("libopus (audio encoder)") && Catch::Contains("sample rates: 48000") &&
                             Catch::Contains("--option KEY=VALUE") && Catch::Contains("application") &&
                             Catch::Contains("(default audio)") && Catch::Contains("values: voip, audio, lowdelay") &&
                             Catch::Contains("(default 0, 0..100)"));
    const auto x264 = runCapstan({"encoder", "libx264"});
    CHECK(x264.exitCode == 0);
    CHECK_THAT(x264.out, Catch::Contains("pixel formats: yuv420p") && Catch::Contains("--video-option") &&
                             Catch::Contains("preset"));
    checkOneLineError(runCapstan({"encoder", "nosuchcodec"}), 1, "`capstan encoders` lists them");
    checkOneLineError(runCapstan({"encoder"}), 2, "NAME");
}
