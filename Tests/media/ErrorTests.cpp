// Bad input gets one clear capstan::Error naming what was wrong and what is accepted (DESIGN.md rule 5).
// Each case asserts the words a helpful message must contain, not one exact wording.

#include "support/TestSupport.h"

#include <catch2/catch.hpp>

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

TEST_CASE("Error: unknown encoder", "[errors][media]")
{
    const TestDir dir;
    StreamWriter writer(dir.file("out.wav").string());
    auto config = stereoFloat();
    config.encoder = "nosuchcodec";
    REQUIRE_THROWS_WITH(writer.addAudioStream(config), Contains("nosuchcodec") && Contains("encoder", noCase));
}

TEST_CASE("Error: a video encoder for an audio stream and the other way round", "[errors][media]")
{
    const TestDir dir;
    StreamWriter writer(dir.file("out.mkv").string());
    auto audio = stereoFloat();
    audio.encoder = "libx264";
    REQUIRE_THROWS_WITH(writer.addAudioStream(audio), Contains("libx264") && Contains("audio", noCase));
    auto video = smallVideo();
    video.encoder = "flac";
    REQUIRE_THROWS_WITH(writer.addVideoStream(video), Contains("flac") && Contains("video", noCase));
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

TEST_CASE("Error: zero or negative frame rate", "[errors][media]")
{
    const TestDir dir;
    StreamWriter writer(dir.file("out.mp4").string());
    auto config = smallVideo();
    config.frameRate = {0, 1};
    REQUIRE_THROWS_WITH(writer.addVideoStream(config), Contains("frame rate", noCase) && Contains("0"));
    config.frameRate = {-30, 1};
    REQUIRE_THROWS_WITH(writer.addVideoStream(config), Contains("frame rate", noCase) && Contains("-30"));
    config.frameRate = {30, 0};
    REQUIRE_THROWS_WITH(writer.addVideoStream(config), Contains("frame rate", noCase) && Contains("30/0"));
}

TEST_CASE("Error: zero or negative picture size", "[errors][media]")
{
    const TestDir dir;
    StreamWriter writer(dir.file("out.mp4").string());
    // Either "width 0" or "0x24", with the accepted range or rule.
    REQUIRE_THROWS_WITH(writer.addVideoStream(smallVideo(PixelFormat::rgb24, 0, 24)),
                        (Contains("width", noCase) && Contains("0")) || Contains("0x24"));
    REQUIRE_THROWS_WITH(writer.addVideoStream(smallVideo(PixelFormat::rgb24, 32, -24)),
                        (Contains("height", noCase) && Contains("-24")) || Contains("32x-24"));
}

TEST_CASE("Error: odd sizes for yuv420p", "[errors][media]")
{
    // Catch2 2.x matchers hold references to their parts: build them inside each assertion, not in a variable.
    const auto saysEven = [](const std::string& m)
    {
        return m.find("even") != std::string::npos || m.find("multiple of 2") != std::string::npos ||
               m.find("divisible by 2") != std::string::npos;
    };
    {
        // 4:2:0 input with an odd width.
        const auto message = errorMessageOf(
            [&] {
                configureAndOpen([&](StreamWriter& w) { w.addVideoStream(smallVideo(PixelFormat::yuv420p, 33, 24)); });
            });
        CHECK_THAT(message, Contains("33") && Contains("yuv420p"));
        CHECK(saysEven(message));
    }
    {
        // rgb24 input encoded as yuv420p with an odd height.
        auto config = smallVideo(PixelFormat::rgb24, 32, 25);
        config.encoderFormat = "yuv420p";
        const auto message =
            errorMessageOf([&] { configureAndOpen([&](StreamWriter& w) { w.addVideoStream(config); }); });
        CHECK_THAT(message, Contains("25") && Contains("yuv420p"));
        CHECK(saysEven(message));
    }
}

TEST_CASE("Error: a pixel format the encoder cannot take", "[errors][media]")
{
    const TestDir dir;
    auto config = smallVideo();
    config.encoder = "png";
    config.encoderFormat = "yuv420p";
    const auto message = errorMessageOf(
        [&]
        {
            StreamWriter writer(dir.file("still.png").string());
            writer.addVideoStream(config);
            writer.open();
        });
    CHECK_THAT(message, Contains("yuv420p") && Contains("png") && Contains("rgb24"));
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

TEST_CASE("Error: an encoder option the encoder does not know", "[errors][media]")
{
    auto config = stereoFloat();
    config.encoder = "libmp3lame";
    config.encoderOptions = {{"nosuchoption", "1"}};
    const auto message = errorMessageOf(
        [&]
        {
            const TestDir dir;
            StreamWriter writer(dir.file("out.mp3").string());
            writer.addAudioStream(config);
            writer.open();
        });
    CHECK_THAT(message, Contains("nosuchoption") && Contains("libmp3lame"));

    // A known option with a value it cannot take names both.
    auto badValue = stereoFloat();
    badValue.encoder = "flac";
    badValue.encoderOptions = {{"lpc_type", "banana"}};
    const auto valueMessage = errorMessageOf(
        [&]
        {
            const TestDir dir("bad-value");
            StreamWriter writer(dir.file("out.flac").string());
            writer.addAudioStream(badValue);
            writer.open();
        });
    CHECK_THAT(valueMessage, Contains("lpc_type") && Contains("banana"));
}

TEST_CASE("Error: a muxer option nobody knows", "[errors][media]")
{
    const TestDir dir;
    const fs::path file = dir.file("out.mp4");
    const auto message = errorMessageOf(
        [&]
        {
            StreamWriter writer(file.string());
            auto config = stereoFloat();
            config.encoder = "aac";
            writer.addAudioStream(config);
            writer.open({{"nosuchmuxeroption", "1"}});
        });
    CHECK_THAT(message, Contains("nosuchmuxeroption"));
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
    {
        // A video filter on an audio stream.
        auto config = stereoFloat();
        config.filterDesc = "hflip";
        const auto message =
            errorMessageOf([&] { configureAndOpen([&](StreamWriter& w) { w.addAudioStream(config); }); });
        CHECK_THAT(message, Contains("hflip"));
    }
}
