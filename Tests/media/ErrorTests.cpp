// Bad input gets one clear capstan::Error naming what was wrong and what is accepted (DESIGN.md rule 5).
// Each case asserts the words a helpful message must contain, not one exact wording.

#include "support/TestSupport.h"

#include <capstan/media/MediaReader.h>

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <functional>

using namespace capstan;
using namespace capstan::test;
using Catch::Contains;

namespace
{

const auto noCase = Catch::CaseSensitive::No;

AudioStreamConfig stereoFloat(int rate = 48000)
{
    AudioStreamConfig config;
    config.sampleRate = rate;
    config.numChannels = 2;
    config.format = SampleFormat::flt;
    return config;
}

VideoStreamConfig smallVideo(PixelFormat format = PixelFormat::rgb24, int width = 32, int height = 24)
{
    VideoStreamConfig config;
    config.frameRate = {30, 1};
    config.width = width;
    config.height = height;
    config.format = format;
    config.encoder = "libx264";
    return config;
}

/** An open writer with one float stereo stream (index 0) into a wav file in the test's folder. */
struct OpenWav
{
    TestDir dir;
    StreamWriter writer;
    int stream;
    explicit OpenWav(const AudioStreamConfig& config = stereoFloat())
        : writer(dir.file("out.wav").string()), stream(writer.addAudioStream(config))
    {
        writer.open();
    }
};

/** Runs the whole configure-open sequence: some checks belong to addAudioStream, some can only happen at open(). */
template <typename F>
void configureAndOpen(F&& configure)
{
    const TestDir dir;
    StreamWriter writer(dir.file("out.mkv").string());
    configure(writer);
    writer.open();
}

/** Runs `f` and returns the capstan::Error's message; fails the test if something else (or nothing) is thrown. */
template <typename F>
std::string errorMessageOf(F&& f)
{
    try
    {
        f();
    }
    catch (const Error& e)
    {
        return e.what();
    }
    FAIL("no capstan::Error was thrown");
    return {};
}

} // namespace

TEST_CASE("Error: planar data with the wrong number of channels", "[errors][media]")
{
    auto config = stereoFloat();
    config.format = SampleFormat::fltp;
    OpenWav w(config);
    std::vector<float> a(100), b(100), c(100);
    const float* planes[3] = {a.data(), b.data(), c.data()};
    REQUIRE_THROWS_WITH(w.writer.writeAudioChunk(w.stream, std::span<const float* const>(planes, 3), 100),
                        Contains("3") && Contains("2") && Contains("channel", noCase));
    REQUIRE_THROWS_WITH(w.writer.writeAudioChunk(w.stream, std::span<const float* const>(planes, 1), 100),
                        Contains("1") && Contains("2") && Contains("channel", noCase));
}

TEST_CASE("Error: interleaved data whose size is not a multiple of the channel count", "[errors][media]")
{
    OpenWav w;
    std::vector<float> samples(101);
    REQUIRE_THROWS_WITH(w.writer.writeAudioChunk(w.stream, std::span<const float>(samples)),
                        Contains("101") && Contains("2") && Contains("channel", noCase));
}

TEST_CASE("Error: samples of the wrong element type for the stream's format", "[errors][media]")
{
    OpenWav w; // a flt stream
    std::vector<int16_t> samples(200);
    REQUIRE_THROWS_WITH(w.writer.writeAudioChunk(w.stream, std::span<const int16_t>(samples)),
                        (Contains("int16_t") || Contains("s16")) && (Contains("float") || Contains("flt")));
    // Planar data for an interleaved stream is a mismatch too.
    std::vector<float> left(100), right(100);
    const float* planes[2] = {left.data(), right.data()};
    REQUIRE_THROWS_WITH(w.writer.writeAudioChunk(w.stream, std::span<const float* const>(planes, 2), 100),
                        Contains("fltp") && Contains("flt") &&
                            (Contains("planar", noCase) || Contains("interleaved", noCase)));
}

TEST_CASE("Error: unknown muxer", "[errors][media]")
{
    const TestDir dir;
    const auto message = errorMessageOf(
        [&]
        {
            StreamWriter writer(dir.file("out.bin").string(), "nosuchmuxer");
            writer.addAudioStream(stereoFloat());
            writer.open();
        });
    CHECK_THAT(message, Contains("nosuchmuxer") && (Contains("muxer", noCase) || Contains("format", noCase)));

    // No muxer given and none to guess from the name: say so and how to fix it.
    const auto guess = errorMessageOf(
        [&]
        {
            StreamWriter writer(dir.file("out.unknownextension").string());
            writer.addAudioStream(stereoFloat());
            writer.open();
        });
    CHECK_THAT(guess, Contains("unknownextension") && (Contains("muxer", noCase) || Contains("format", noCase)));
}

TEST_CASE("Error: an encoder that cannot take the requested sample format", "[errors][media]")
{
    {
        auto config = stereoFloat();
        config.encoder = "flac";
        config.encoderFormat = "u8";
        const auto message =
            errorMessageOf([&] { configureAndOpen([&](StreamWriter& w) { w.addAudioStream(config); }); });
        // What was asked, of whom, and what it takes.
        CHECK_THAT(message, Contains("u8") && Contains("flac") && Contains("s16") && Contains("s32"));
    }
    {
        auto config = stereoFloat();
        config.encoder = "libopus";
        config.encoderFormat = "s32";
        const auto message =
            errorMessageOf([&] { configureAndOpen([&](StreamWriter& w) { w.addAudioStream(config); }); });
        CHECK_THAT(message, Contains("s32") && Contains("libopus") && Contains("s16") && Contains("flt"));
    }
    {
        auto config = stereoFloat();
        config.encoderFormat = "nosuchformat";
        const auto message =
            errorMessageOf([&] { configureAndOpen([&](StreamWriter& w) { w.addAudioStream(config); }); });
        CHECK_THAT(message, Contains("nosuchformat") && Contains("format", noCase));
    }
}

TEST_CASE("Error: an encoder that cannot take the requested sample rate", "[errors][media]")
{
    auto config = stereoFloat(48000);
    config.encoder = "libopus";
    config.encoderSampleRate = 44100;
    const auto message = errorMessageOf([&] { configureAndOpen([&](StreamWriter& w) { w.addAudioStream(config); }); });
    CHECK_THAT(message, Contains("44100") && Contains("libopus") && Contains("48000"));
}

TEST_CASE("Error: zero or negative sample rate", "[errors][media]")
{
    const TestDir dir;
    StreamWriter writer(dir.file("out.wav").string());
    REQUIRE_THROWS_WITH(writer.addAudioStream(stereoFloat(0)), Contains("sample rate", noCase) && Contains("0"));
    REQUIRE_THROWS_WITH(writer.addAudioStream(stereoFloat(-44100)),
                        Contains("sample rate", noCase) && Contains("-44100"));
}

TEST_CASE("Error: zero or negative channel count", "[errors][media]")
{
    const TestDir dir;
    StreamWriter writer(dir.file("out.wav").string());
    auto config = stereoFloat();
    config.numChannels = 0;
    REQUIRE_THROWS_WITH(writer.addAudioStream(config), Contains("channel", noCase) && Contains("0"));
    config.numChannels = -2;
    REQUIRE_THROWS_WITH(writer.addAudioStream(config), Contains("channel", noCase) && Contains("-2"));
}

TEST_CASE("Error: a channel layout that does not match the channel count", "[errors][media]")
{
    const TestDir dir;
    StreamWriter writer(dir.file("out.wav").string());
    auto config = stereoFloat();
    config.channelLayout = "5.1";
    const auto message = errorMessageOf(
        [&]
        {
            writer.addAudioStream(config);
            writer.open();
        });
    CHECK_THAT(message, Contains("5.1") && Contains("2") && Contains("channel", noCase));
    auto unknown = stereoFloat();
    unknown.channelLayout = "nosuchlayout";
    StreamWriter other(dir.file("other.wav").string());
    const auto unknownMessage = errorMessageOf(
        [&]
        {
            other.addAudioStream(unknown);
            other.open();
        });
    CHECK_THAT(unknownMessage, Contains("nosuchlayout") && Contains("layout", noCase));
}

TEST_CASE("Error: video data that is not a whole number of frames", "[errors][media]")
{
    const TestDir dir;
    StreamWriter writer(dir.file("out.mkv").string());
    const int stream = writer.addVideoStream(smallVideo(PixelFormat::rgb24, 16, 16)); // 768 bytes a frame
    writer.open();
    std::vector<uint8_t> bytes(1000);
    REQUIRE_THROWS_WITH(writer.writeVideoChunk(stream, bytes), Contains("1000") && Contains("768"));
}

TEST_CASE("Error: per-frame pts that do not match the frames or go backwards", "[errors][media]")
{
    const TestDir dir;
    StreamWriter writer(dir.file("out.mkv").string());
    const int stream = writer.addVideoStream(smallVideo(PixelFormat::rgb24, 16, 16));
    writer.open();
    const auto frames = generateVideoFrames(PixelFormat::rgb24, 16, 16, 3);
    const std::vector<double> two{0.0, 0.1};
    REQUIRE_THROWS_WITH(writer.writeVideoChunk(stream, frames, std::span<const double>(two)),
                        Contains("3") && Contains("2") && Contains("pts", noCase));
    const std::vector<double> backwards{0.0, 0.2, 0.1};
    REQUIRE_THROWS_WITH(writer.writeVideoChunk(stream, frames, std::span<const double>(backwards)),
                        Contains("increas", noCase) || Contains("backwards", noCase) || Contains("earlier", noCase));
}

TEST_CASE("Error: writing before open()", "[errors][media]")
{
    const TestDir dir;
    StreamWriter writer(dir.file("out.wav").string());
    const int stream = writer.addAudioStream(stereoFloat());
    std::vector<float> samples(64);
    REQUIRE_THROWS_WITH(writer.writeAudioChunk(stream, std::span<const float>(samples)), Contains("open", noCase));
    REQUIRE_FALSE(writer.isOpen());
}

TEST_CASE("Error: writing after close()", "[errors][media]")
{
    OpenWav w;
    std::vector<float> samples(64);
    w.writer.writeAudioChunk(w.stream, std::span<const float>(samples));
    w.writer.close();
    REQUIRE_THROWS_WITH(w.writer.writeAudioChunk(w.stream, std::span<const float>(samples)), Contains("close", noCase));
    CHECK_NOTHROW(w.writer.close()); // a second close() is fine
}

TEST_CASE("Error: adding a stream or metadata after open()", "[errors][media]")
{
    OpenWav w;
    REQUIRE_THROWS_WITH(w.writer.addAudioStream(stereoFloat()), Contains("open", noCase));
    REQUIRE_THROWS_WITH(w.writer.addVideoStream(smallVideo()), Contains("open", noCase));
    REQUIRE_THROWS_WITH(w.writer.setMetadata({{"title", "late"}}), Contains("open", noCase));
    REQUIRE_THROWS_WITH(w.writer.open(), Contains("open", noCase));
}

TEST_CASE("Error: opening with no stream", "[errors][media]")
{
    const TestDir dir;
    StreamWriter writer(dir.file("out.wav").string());
    REQUIRE_THROWS_WITH(writer.open(), Contains("stream", noCase));
}

TEST_CASE("Error: stream index out of range or of the wrong kind", "[errors][media]")
{
    OpenWav w;
    std::vector<float> samples(64);
    REQUIRE_THROWS_WITH(w.writer.writeAudioChunk(5, std::span<const float>(samples)),
                        Contains("5") && Contains("stream", noCase));
    REQUIRE_THROWS_WITH(w.writer.writeAudioChunk(-1, std::span<const float>(samples)),
                        Contains("-1") && Contains("stream", noCase));
    std::vector<uint8_t> frame(32 * 24 * 3);
    REQUIRE_THROWS_WITH(w.writer.writeVideoChunk(w.stream, frame), Contains("audio", noCase));
    REQUIRE_THROWS_WITH(w.writer.streamInfo(3), Contains("3") && Contains("stream", noCase));
}

TEST_CASE("Error: an unwritable path", "[errors][media]")
{
    for (const std::string& path :
         {std::string("/nonexistent-capstan-dir/out.wav"), std::string("/proc/capstan-cannot-write-here.wav")})
    {
        const auto message = errorMessageOf(
            [&]
            {
                StreamWriter writer(path);
                writer.addAudioStream(stereoFloat());
                writer.open();
            });
        INFO(path);
        // The path and the system's reason.
        CHECK_THAT(message, Contains(path) && (Contains("No such file or directory") || Contains("denied") ||
                                               Contains("not permitted") || Contains("Read-only")));
        CHECK_FALSE(fs::exists(path));
    }
}

TEST_CASE("Error: a URL with an unknown protocol", "[errors][media]")
{
    const auto message = errorMessageOf(
        [&]
        {
            StreamWriter writer("nosuchproto://host/stream", "mp3");
            writer.addAudioStream(stereoFloat());
            writer.open();
        });
    CHECK_THAT(message, Contains("nosuchproto://host/stream") && Contains("protocol", noCase));
}

TEST_CASE("Error: an audio pts earlier than what was already written", "[errors][media]")
{
    OpenWav w;
    const auto audio = AudioBuffer::generate({}, SampleFormat::flt); // 1 s
    w.writer.writeAudioChunk(w.stream, audio.all());
    const auto message = errorMessageOf([&] { w.writer.writeAudioChunk(w.stream, audio.chunk(0, 480), 0.5); });
    CHECK_THAT(message, Contains("pts", noCase) && Contains("0.5") && Contains("1"));
}

TEST_CASE("Error: an invalid filter description", "[errors][media]")
{
    {
        auto config = stereoFloat();
        config.filterDesc = "nosuchfilter=1";
        const auto message =
            errorMessageOf([&] { configureAndOpen([&](StreamWriter& w) { w.addAudioStream(config); }); });
        CHECK_THAT(message, Contains("nosuchfilter") && Contains("filter", noCase));
    }
    {
        auto config = stereoFloat();
        config.filterDesc = "volume=banana";
        const auto message =
            errorMessageOf([&] { configureAndOpen([&](StreamWriter& w) { w.addAudioStream(config); }); });
        CHECK_THAT(message, Contains("volume=banana"));
    }
}

// ---------------------------------------------------------------------------------------------------------------
// The adversarial table (issue 12): each row is a bad call, the exception kind, the words its message must hold
// (what was wrong and what is accepted), and what must be on disk afterwards.

namespace
{
enum class Thrown
{
    rangeError, ///< capstan::RangeError: a number outside its range
    error       ///< capstan::Error and not a RangeError
};

struct ErrorRow
{
    const char* name;
    std::function<void(const TestDir&)> call;
    Thrown thrown;
    std::vector<std::string> words;
    std::vector<std::string> filesLeft = {}; ///< exactly these files remain in the row's folder
    double secondsInFirstFile = 0;           ///< > 0: the first file decodes to this long
};

/** Adds one audio stream made by `change` from stereo float to `file`, then opens: nothing may be left. */
auto audioRow(std::string file, std::function<void(AudioStreamConfig&)> change)
{
    return [file, change](const TestDir& dir)
    {
        StreamWriter writer(dir.file(file).string());
        auto config = stereoFloat();
        change(config);
        writer.addAudioStream(config);
        writer.open();
    };
}

auto videoRow(std::function<void(VideoStreamConfig&)> change)
{
    return [change](const TestDir& dir)
    {
        StreamWriter writer(dir.file("out.mkv").string());
        auto config = smallVideo();
        change(config);
        writer.addVideoStream(config);
        writer.open();
    };
}

/** One second of video written to out.mkv (30 frames), then `fn`; the writer closes either way. */
auto afterOneSecondOfVideo(std::function<void(StreamWriter&, std::span<const uint8_t>)> fn)
{
    return [fn](const TestDir& dir)
    {
        StreamWriter writer(dir.file("out.mkv").string());
        writer.addVideoStream(smallVideo());
        writer.open();
        const auto frames = generateVideoFrames(PixelFormat::rgb24, 32, 24, 30);
        writer.writeVideoChunk(0, frames);
        fn(writer, std::span(frames).first(32 * 24 * 3));
    };
}

auto readerRow(std::string file, std::string contents, double timeout = MediaReader::defaultOpenTimeoutSeconds)
{
    return [file, contents, timeout](const TestDir& dir)
    {
        writeFileBytes(dir.file(file), std::span(reinterpret_cast<const uint8_t*>(contents.data()), contents.size()));
        MediaReader reader(dir.file(file).string(), {}, {}, timeout);
    };
}

CodecConfig bitRate(int64_t value)
{
    return {.bitRate = value};
}

const std::vector<ErrorRow>& errorTable()
{
    using T = Thrown;
    // One row per case reads as a table.
    // clang-format off
    static const std::vector<ErrorRow> rows = {
        {"bit rate -5", audioRow("o.mp3", [](auto& c) { c.codecConfig = bitRate(-5); }), T::rangeError,
         {"bit rate -5", "1000 .. 10000000", "-1 for the encoder's default"}},
        {"audio bit rate 1e12", audioRow("o.mp3", [](auto& c) { c.codecConfig = bitRate(1'000'000'000'000); }),
         T::rangeError, {"1000000000000", "for audio", "10 Mbit/s"}},
        {"bit rate 999", audioRow("o.mp3", [](auto& c) { c.codecConfig = bitRate(999); }), T::rangeError,
         {"bit rate 999", "1 kbit/s"}},
        {"video bit rate 2e9", videoRow([](auto& c) { c.codecConfig = bitRate(2'000'000'000); }), T::rangeError,
         {"for video", "1 Gbit/s"}},
        {"libmp3lame qscale 10", audioRow("o.mp3", [](auto& c) { c.codecConfig.qscale = 10; }), T::rangeError,
         {"libmp3lame", "0 .. 9"}},
        {"libmp3lame qscale -1", audioRow("o.mp3", [](auto& c) { c.codecConfig.qscale = -1; }), T::rangeError,
         {"qscale -1", "0 .. 9"}},
        {"libvorbis qscale 11", audioRow("o.ogg", [](auto& c) { c.encoder = "libvorbis", c.codecConfig.qscale = 11; }),
         T::rangeError, {"libvorbis", "-1 .. 10"}},
        {"qscale 300 without a known range", audioRow("o.flac", [](auto& c) { c.codecConfig.qscale = 300; }),
         T::rangeError, {"qscale 300", "0 .. 255"}},
        {"flac compression 13", audioRow("o.flac", [](auto& c) { c.codecConfig.compressionLevel = 13; }),
         T::rangeError, {"flac", "0 .. 12"}},
        {"compression -2", audioRow("o.flac", [](auto& c) { c.codecConfig.compressionLevel = -2; }), T::rangeError,
         {"compression level -2"}},
        {"libopus compression 11",
         audioRow("o.ogg", [](auto& c) { c.encoder = "libopus", c.codecConfig.compressionLevel = 11; }),
         T::rangeError, {"libopus", "0 .. 10"}},
        {"compression 101 without a known range",
         audioRow("o.wav", [](auto& c) { c.codecConfig.compressionLevel = 101; }), T::rangeError, {"0 .. 100"}},
        {"GOP on audio", audioRow("o.mp3", [](auto& c) { c.codecConfig.gopSize = 10; }), T::error,
         {"video settings", "audio stream takes bit rate"}},
        {"GOP -3", videoRow([](auto& c) { c.codecConfig.gopSize = -3; }), T::rangeError, {"GOP size -3", "0 .. 100000"}},
        {"GOP 100001", videoRow([](auto& c) { c.codecConfig.gopSize = 100'001; }), T::rangeError, {"100001"}},
        {"B-frames 17", videoRow([](auto& c) { c.codecConfig.maxBFrames = 17; }), T::rangeError, {"0 .. 16"}},
        {"mpeg4 qscale 0", videoRow([](auto& c) { c.encoder = "mpeg4", c.codecConfig.qscale = 0; }), T::rangeError,
         {"mpeg4", "1 .. 31"}},
        {"frame rate 0/1", videoRow([](auto& c) { c.frameRate = {0, 1}; }), T::rangeError,
         {"frame rate", "0/1", "1/3600", "1000 fps"}},
        {"frame rate -30/1", videoRow([](auto& c) { c.frameRate = {-30, 1}; }), T::rangeError, {"-30/1"}},
        {"frame rate 30/0", videoRow([](auto& c) { c.frameRate = {30, 0}; }), T::rangeError, {"30/0"}},
        {"frame rate 5000", videoRow([](auto& c) { c.frameRate = {5000, 1}; }), T::rangeError,
         {"5000/1", "out of range", "1000 fps"}},
        {"frame rate 1/7200", videoRow([](auto& c) { c.frameRate = {1, 7200}; }), T::rangeError,
         {"1/7200", "one frame an hour"}},
        {"encoder frame rate 2000", videoRow([](auto& c) { c.encoderFrameRate = {2000, 1}; }), T::rangeError,
         {"encoder frame rate 2000/1"}},
        {"width 0", videoRow([](auto& c) { c.width = 0; }), T::rangeError, {"0x24", "1x1 .. 16384x16384"}},
        {"height -24", videoRow([](auto& c) { c.height = -24; }), T::rangeError, {"32x-24"}},
        {"width 16386", videoRow([](auto& c) { c.width = 16386; }), T::rangeError, {"16386x24"}},
        {"encoder width 20000", videoRow([](auto& c) { c.encoderWidth = 20000; }), T::rangeError,
         {"encoder size 20000x0"}},
        {"a filter making 20000-pixel frames", videoRow([](auto& c) { c.filterDesc = "scale=20000:16"; }),
         T::rangeError, {"'scale=20000:16' makes 20000x16", "16384x16384"}},
        {"odd yuv420p input width", videoRow([](auto& c) { c.format = PixelFormat::yuv420p, c.width = 33; }),
         T::error, {"33x24", "yuv420p", "divisible by 2"}},
        {"odd height encoded as yuv420p", videoRow([](auto& c) { c.encoderFormat = "yuv420p", c.height = 25; }),
         T::error, {"32x25", "yuv420p", "divisible by 2"}},
        {"a pixel format png cannot take", videoRow([](auto& c) { c.encoder = "png", c.encoderFormat = "yuv420p"; }),
         T::error, {"'png' cannot take pixel format 'yuv420p'", "rgb24"}},
        {"unknown encoder", audioRow("o.wav", [](auto& c) { c.encoder = "nosuchcodec"; }), T::error,
         {"unknown encoder 'nosuchcodec'", "capstan encoders"}},
        {"video encoder for audio", audioRow("o.mkv", [](auto& c) { c.encoder = "libx264"; }), T::error,
         {"'libx264' is not an audio encoder"}},
        {"audio encoder for video", videoRow([](auto& c) { c.encoder = "flac"; }), T::error,
         {"'flac' is not a video encoder"}},
        {"unknown encoder option",
         audioRow("o.mp3", [](auto& c) { c.encoder = "libmp3lame", c.encoderOptions = {{"nosuchoption", "1"}}; }),
         T::error, {"'libmp3lame' does not know the option 'nosuchoption'"}},
        {"encoder option value", audioRow("o.flac", [](auto& c) { c.encoderOptions = {{"lpc_type", "banana"}}; }),
         T::error, {"lpc_type", "banana"}},
        {"unknown muxer option", [](const TestDir& d) { StreamWriter w(d.file("o.mp4").string());
             w.addAudioStream(stereoFloat()); w.open({{"nosuchmuxeroption", "1"}}); },
         T::error, {"unknown option 'nosuchmuxeroption'", "ffmpeg -h muxer=mp4"}},
        {"video filter on audio", audioRow("o.wav", [](auto& c) { c.filterDesc = "hflip"; }), T::error,
         {"'hflip' is a video filter", "this stream is audio", "volume=0.5"}},
        {"audio filter on video", videoRow([](auto& c) { c.filterDesc = "volume=0.5"; }), T::error,
         {"'volume' is an audio filter", "this stream is video", "hflip"}},
        {"audio turned into video", audioRow("o.wav", [](auto& c) { c.filterDesc = "showwaves"; }), T::error,
         {"'showwaves' turns audio into video"}},
        {"pcm_s16le into mp4", audioRow("o.mp4", [](auto& c) { c.encoder = "pcm_s16le"; }), T::error,
         {"pcm_s16le cannot go into mp4", "mp4 takes aac", "flac"}},
        {"video pts 2e9 s", afterOneSecondOfVideo([](auto& w, auto frame) { w.writeVideoChunk(0, frame, 2e9); }),
         T::rangeError, {"video pts", "0 .. 1e9 s"}, {"out.mkv"}, 1.0},
        {"video pts NaN", afterOneSecondOfVideo([](auto& w, auto frame) { w.writeVideoChunk(0, frame, NAN); }),
         T::rangeError, {"video pts", "finite"}, {"out.mkv"}, 1.0},
        {"sink buffer 0 bytes", [](const TestDir&) { MemorySink sink; StreamWriter w(sink, "wav", 0); },
         T::rangeError, {"buffer size 0", "64 MiB"}},
        {"rate 1e12 as text", [](const TestDir&) { parseRational("1e12"); }, T::rangeError, {"'1e12'", "out of range"}},
        {"rate numerator beyond 32 bits", [](const TestDir&) { parseRational("99999999999/1"); }, T::rangeError,
         {"numerator and denominator", "2147483647"}},
        {"empty input", readerRow("in.wav", ""), T::error, {"in.wav': it is empty", "0 bytes"}, {"in.wav"}},
        {"text input", readerRow("notes.txt", "these are words, not samples\n"), T::error,
         {"notes.txt", "looks like text"}, {"notes.txt"}},
        {"binary junk input", readerRow("in.bin", std::string("\x01\x02\x00\x7f\xfe junk", 11)), T::error,
         {"in.bin", "match no format"}, {"in.bin"}},
        {"FLAC cut inside its header", [](const TestDir& d) { runFfmpeg({"-f", "lavfi", "-i", "sine=d=3", "-c:a", "flac",
             d.file("w.flac").string()}); const auto whole = readFileBytes(d.file("w.flac")); fs::remove(d.file("w.flac"));
             writeFileBytes(d.file("cut.flac"), std::span(whole).first(400)); MediaReader reader(d.file("cut.flac")); },
         T::error, {"cut.flac'", "ends after 400 bytes", "truncated"}, {"cut.flac"}},
        {"negative open timeout", readerRow("in.wav", "RIFF", -1), T::rangeError, {"open timeout"}, {"in.wav"}},
    };
    // clang-format on
    return rows;
}
} // namespace

TEST_CASE("Error table: bad calls give their exception, words and disk state", "[errors][media][adversarial]")
{
    REQUIRE(haveFfmpegTools());
    REQUIRE(errorTable().size() >= 30);
    int number = 0;
    for (const auto& row : errorTable())
    {
        DYNAMIC_SECTION(row.name)
        {
            const TestDir dir(std::to_string(number));
            std::optional<std::string> message;
            bool range = false;
            try
            {
                row.call(dir);
            }
            catch (const RangeError& e)
            {
                message = e.what();
                range = true;
            }
            catch (const Error& e)
            {
                message = e.what();
            }
            REQUIRE(message);
            CHECK(range == (row.thrown == Thrown::rangeError));
            for (const auto& word : row.words)
                CHECK_THAT(*message, Contains(word));

            std::vector<std::string> left;
            for (const auto& entry : fs::directory_iterator(dir.path()))
                left.push_back(entry.path().filename().string());
            std::sort(left.begin(), left.end());
            CHECK(left == row.filesLeft);
            if (row.secondsInFirstFile > 0 && !left.empty())
                CHECK(probeFormat(dir.file(left.front())).number("duration") ==
                      Approx(row.secondsInFirstFile).margin(0.05));
        }
        ++number;
    }
}
