// makeOutputSpec / makeVideoSpec: every format through a real Recorder, judged by ffprobe.

#include "support/TestSupport.h"

#include <capstan/media/Error.h>
#include <capstan/realtime/Recorder.h>
#include <capstan/realtime/TestSignal.h>
#include <capstan/session/TakeSettings.h>

#include <catch2/catch.hpp>

using namespace capstan;
using namespace capstan::test;

namespace
{
struct Expected
{
    RecordingFormat format;
    std::string codec;
    std::string sampleFormat;
    std::string formatName; ///< a part of ffprobe's format_name
    std::string videoCodec; ///< empty: no video stream
};
} // namespace

TEST_CASE("makeOutputSpec: every recording format records 1 s with the promised codec and sample format", "[session]")
{
    REQUIRE(haveFfmpegTools());
    TestDir dir;
    const std::vector<Expected> table = {
        {RecordingFormat::wav16, "pcm_s16le", "s16", "wav", ""},
        {RecordingFormat::wav24, "pcm_s24le", "s32", "wav", ""},
        {RecordingFormat::wav32f, "pcm_f32le", "flt", "wav", ""},
        {RecordingFormat::flac, "flac", "s32", "flac", ""},
        {RecordingFormat::mp3, "mp3", "fltp", "mp3", ""},
        {RecordingFormat::aac, "aac", "fltp", "mp4", ""},
        {RecordingFormat::opus, "opus", "fltp", "ogg", ""},
        {RecordingFormat::mp4Video, "aac", "fltp", "mp4", "h264"},
        {RecordingFormat::mkvVideo, "flac", "s32", "matroska", "h264"},
    };
    REQUIRE(table.size() == allRecordingFormats().size());

    const int sampleRate = 44100; // Opus cannot take it: the writer resamples to 48 kHz
    TakeSettings settings;
    settings.videoWidth = 160;
    settings.videoHeight = 90;
    settings.videoFrameRate = {10, 1};
    for (const auto& expected : table)
    {
        const std::string id = recordingFormatId(expected.format);
        CAPTURE(id);
        const fs::path file = dir.file(id + recordingFormatExtension(expected.format));
        RecorderConfig config;
        config.sampleRate = sampleRate;
        config.numChannels = 2;
        config.outputs = {makeOutputSpec(expected.format, 128, file.string())};
        if (hasVideo(expected.format))
            config.video = makeVideoSpec(settings);
        Recorder recorder(config);
        recorder.start();
        TestSignal signal({.sampleRate = sampleRate, .numChannels = 2});
        std::vector<float> left(441), right(441);
        float* channels[] = {left.data(), right.data()};
        std::vector<uint8_t> frame(size_t(160 * 90 * 4), 80);
        for (int i = 0; i < 100; ++i)
        {
            signal.render(channels, int64_t(i) * 441, 441);
            recorder.pushAudio(channels, 2, 441);
            if (hasVideo(expected.format) && i % 10 == 0)
                recorder.pushVideoFrame(frame.data(), frame.size(), int64_t(i) * 441);
        }
        recorder.stop();
        CHECK(recorder.errors().empty());
        REQUIRE(fs::exists(file));

        const auto audio = probeStream(file, "a:0");
        INFO(audio.describe());
        CHECK(audio.text("codec_name") == expected.codec);
        CHECK(audio.text("sample_fmt") == expected.sampleFormat);
        CHECK(audio.integer("channels") == 2);
        CHECK(audio.integer("sample_rate") == (expected.format == RecordingFormat::opus ? 48000 : sampleRate));
        const auto container = probeFormat(file);
        CHECK(container.text("format_name").find(expected.formatName) != std::string::npos);
        CHECK(container.number("duration") == Approx(1.0).margin(0.05));
        if (expected.format == RecordingFormat::wav24 || expected.format == RecordingFormat::flac)
            CHECK(audio.integer("bits_per_raw_sample") == 24);
        if (expected.format == RecordingFormat::mp3)
            CHECK(audio.integer("bit_rate") == 128000);
        const auto counts = probeStreamCounts(file);
        if (expected.videoCodec.empty())
            CHECK(counts.count("video") == 0);
        else
        {
            const auto video = probeStream(file, "v:0");
            INFO(video.describe());
            CHECK(video.text("codec_name") == expected.videoCodec);
            CHECK(video.text("pix_fmt") == "yuv420p");
            CHECK(video.integer("width") == 160);
            CHECK(video.integer("height") == 90);
        }
    }
}

TEST_CASE("makeOutputSpec / makeVideoSpec: bad values are clear errors", "[session]")
{
    CHECK_THROWS_WITH(makeOutputSpec(RecordingFormat::mp3, 2, "x.mp3"),
                      Catch::Contains("bit rate 2 kb/s") && Catch::Contains("8..512"));
    TakeSettings settings;
    settings.videoWidth = 641;
    CHECK_THROWS_WITH(makeVideoSpec(settings), Catch::Contains("641x360") && Catch::Contains("even sides"));
    settings.videoWidth = 640;
    settings.videoFrameRate = {0, 1};
    CHECK_THROWS_WITH(makeVideoSpec(settings), Catch::Contains("frame rate"));
    const auto spec = makeOutputSpec(RecordingFormat::aac, 256, "x.m4a");
    CHECK(spec.codecConfig.bitRate == 256000);
    CHECK(spec.crashSafe);
}
