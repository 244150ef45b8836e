// Round trips judged by the ffmpeg CLI: lossless formats give back the very samples written, layouts and
// destinations agree, and conversions (resampling, remixing, filters, gaps, metadata) do what was asked.

#include "support/TestSupport.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstring>

using namespace capstan;
using namespace capstan::test;

namespace
{

AudioStreamConfig audioConfig(int sampleRate, int channels, SampleFormat format, std::string encoder = {})
{
    AudioStreamConfig config;
    config.sampleRate = sampleRate;
    config.numChannels = channels;
    config.format = format;
    config.encoder = std::move(encoder);
    return config;
}

/** Writes one audio stream to a file in chunks of `chunk` samples (0: at once). */
void writeFile(const fs::path& file, const AudioStreamConfig& config, const AudioBuffer& audio, int64_t chunk = 0)
{
    StreamWriter writer(file.string());
    const int stream = writer.addAudioStream(config);
    writer.open();
    writeAudioInChunks(writer, stream, audio, chunk);
    writer.close();
}

/** Noise plus a sine: every bit of the sample is exercised, and the signal is clearly not silence. */
AudioBuffer testSignal(SampleFormat format, int sampleRate, int channels, int64_t frames, double amplitude = 0.45)
{
    SignalSpec spec;
    spec.sampleRate = sampleRate;
    spec.numChannels = channels;
    spec.numFrames = frames;
    spec.amplitude = amplitude;
    auto signal = generateSignal(spec);
    spec.waveform = Waveform::noise;
    spec.amplitude = amplitude;
    const auto noise = generateSignal(spec);
    for (size_t i = 0; i < signal.size(); ++i)
        signal[i] += noise[i];
    return AudioBuffer::fromSignal(signal, channels, format);
}

std::string rawFormatFor(SampleFormat format)
{
    switch (toInterleaved(format))
    {
    case SampleFormat::s16:
        return "s16le";
    case SampleFormat::s32:
        return "s32le";
    case SampleFormat::flt:
        return "f32le";
    case SampleFormat::dbl:
        return "f64le";
    case SampleFormat::u8:
        return "u8";
    default:
        return "s64le";
    }
}

} // namespace

TEST_CASE("RoundTrip: WAV gives back the exact samples for s16, s32 and flt", "[roundtrip][media]")
{
    REQUIRE(haveFfmpegTools());
    const TestDir dir;
    struct Case
    {
        SampleFormat format;
        std::string encoder;
    };
    for (const Case& c : {Case{SampleFormat::s16, "pcm_s16le"}, Case{SampleFormat::s32, "pcm_s32le"},
                          Case{SampleFormat::flt, "pcm_f32le"}, Case{SampleFormat::s16p, "pcm_s16le"},
                          Case{SampleFormat::fltp, "pcm_f32le"}})
    {
        const auto audio = testSignal(c.format, 44100, 2, 44100 + 123);
        for (const bool defaultEncoder : {false, true})
        {
            const fs::path file =
                dir.file(std::string(toString(c.format)) + (defaultEncoder ? "-default" : "") + ".wav");
            writeFile(file, audioConfig(44100, 2, c.format, defaultEncoder ? "" : c.encoder), audio, 1000);
            const auto stream = probeStream(file);
            INFO(file << ": " << stream.describe());
            CHECK(stream.text("codec_name") == c.encoder); // the default PCM matches the input format
            CHECK(compareBytes(decodeAudioBytes(file, rawFormatFor(c.format)), audio.interleavedBytes()) ==
                  "identical");
            CHECK(probeFormat(file).number("duration") == Approx((44100 + 123) / 44100.0).margin(1e-6));
        }
    }
}

TEST_CASE("RoundTrip: FLAC gives back the exact samples it can represent", "[roundtrip][media]")
{
    REQUIRE(haveFfmpegTools());
    const TestDir dir;
    const int64_t frames = 48000 + 77;

    SECTION("s16 and s16p")
    {
        for (const auto format : {SampleFormat::s16, SampleFormat::s16p})
        {
            const auto audio = testSignal(format, 48000, 2, frames);
            const fs::path file = dir.file(std::string(toString(format)) + ".flac");
            writeFile(file, audioConfig(48000, 2, format, "flac"), audio, 4095);
            CHECK(compareBytes(decodeAudioBytes(file, "s16le"), audio.interleavedBytes()) == "identical");
            CHECK(probeStream(file).text("sample_fmt") == "s16");
            CHECK(probeFormat(file).number("duration") == Approx(double(frames) / 48000).margin(1e-6));
        }
    }

    SECTION("s32 is stored as 24-bit FLAC: 24-bit data comes back exactly, lower bits are dropped")
    {
        // FFmpeg 5.1's FLAC encoder takes s32 and writes 24 bits per sample (the top 24): data whose low 8 bits
        // are zero round-trips bit-exactly; full 32-bit data comes back with its low byte cleared.
        auto audio = testSignal(SampleFormat::s32, 48000, 2, frames);
        const auto full = audio.interleavedBytes();
        auto* samples = audio.plane<int32_t>(0);
        for (int64_t i = 0; i < frames * 2; ++i)
            samples[i] = int32_t(uint32_t(samples[i]) & 0xFFFFFF00u);

        const fs::path file24 = dir.file("s32-24bit.flac");
        writeFile(file24, audioConfig(48000, 2, SampleFormat::s32, "flac"), audio, 1000);
        const auto stream = probeStream(file24);
        CHECK(stream.text("sample_fmt") == "s32");
        CHECK(stream.text("bits_per_raw_sample") == "24");
        CHECK(compareBytes(decodeAudioBytes(file24, "s32le"), audio.interleavedBytes()) == "identical");

        // The same stream from the full-resolution data: identical bytes, because FLAC keeps only the top 24 bits.
        AudioBuffer fullAudio(SampleFormat::s32, 2, frames);
        std::memcpy(fullAudio.planeData(0), full.data(), full.size());
        const fs::path file32 = dir.file("s32-full.flac");
        writeFile(file32, audioConfig(48000, 2, SampleFormat::s32, "flac"), fullAudio, 1000);
        CHECK(compareBytes(decodeAudioBytes(file32, "s32le"), audio.interleavedBytes()) == "identical");
    }

    SECTION("flt whose values are 16-bit steps comes back exactly")
    {
        // FLAC has no float samples; a float signal on the 16-bit grid survives the conversion unchanged.
        const auto s16 = testSignal(SampleFormat::s16, 48000, 2, frames);
        AudioBuffer flt(SampleFormat::flt, 2, frames);
        for (int64_t i = 0; i < frames * 2; ++i)
            flt.plane<float>(0)[i] = float(s16.plane<int16_t>(0)[i]) / 32768.0f;
        const fs::path file = dir.file("flt.flac");
        writeFile(file, audioConfig(48000, 2, SampleFormat::flt, "flac"), flt, 512);
        CHECK(compareBytes(decodeAudioBytes(file, "s16le"), s16.interleavedBytes()) == "identical");
    }
}

TEST_CASE("RoundTrip: planar and interleaved input give identical files", "[roundtrip][media]")
{
    REQUIRE(haveFfmpegTools());
    const TestDir dir;
    struct Case
    {
        SampleFormat format;
        std::string encoder;
        std::string extension;
    };
    for (const Case& c : {Case{SampleFormat::s16, "pcm_s16le", "wav"}, Case{SampleFormat::s16, "flac", "flac"},
                          Case{SampleFormat::s32, "flac", "flac"}, Case{SampleFormat::flt, "libmp3lame", "mp3"},
                          Case{SampleFormat::flt, "aac", "m4a"}, Case{SampleFormat::dbl, "pcm_f32le", "wav"},
                          Case{SampleFormat::u8, "pcm_s16le", "wav"}})
    {
        const int channels = c.extension == "mp3" || c.extension == "m4a" ? 2 : 3; // lame takes mono or stereo only
        const auto interleaved = testSignal(c.format, 48000, channels, 30000);
        const auto planar = interleaved.withLayout(true);
        const fs::path a = dir.file(std::string(toString(c.format)) + "-" + c.encoder + "-interleaved." + c.extension);
        const fs::path b = dir.file(std::string(toString(c.format)) + "-" + c.encoder + "-planar." + c.extension);
        writeFile(a, audioConfig(48000, channels, interleaved.format(), c.encoder), interleaved, 999);
        writeFile(b, audioConfig(48000, channels, planar.format(), c.encoder), planar, 999);
        INFO(a << " vs " << b);
        CHECK(compareBytes(readFileBytes(a), readFileBytes(b)) == "identical");
    }
}

TEST_CASE("RoundTrip: u8, s64 and dbl input are accepted and converted faithfully", "[roundtrip][media]")
{
    REQUIRE(haveFfmpegTools());
    const TestDir dir;
    for (const auto format : {SampleFormat::u8, SampleFormat::u8p, SampleFormat::s64, SampleFormat::s64p,
                              SampleFormat::dbl, SampleFormat::dblp})
    {
        const int64_t frames = 22050;
        const auto audio = testSignal(format, 22050, 2, frames, 0.4);
        // Into a float WAV: the decoded values must be the input values (to the input's own resolution).
        const fs::path file = dir.file(std::string(toString(format)) + ".wav");
        writeFile(file, audioConfig(22050, 2, format, "pcm_f32le"), audio, 333);
        const auto decoded = decodeAudio<float>(file);
        INFO(toString(format));
        REQUIRE(decoded.size() == size_t(frames * 2));
        const double tolerance = toInterleaved(format) == SampleFormat::u8 ? 1.0 / 128 : 1e-6;
        double worst = 0;
        for (int64_t i = 0; i < frames; ++i)
            for (int c = 0; c < 2; ++c)
                worst = std::max(worst, std::abs(double(decoded[size_t(i * 2 + c)]) - audio.sample(c, i)));
        CHECK(worst <= tolerance);
        CHECK(probeFormat(file).number("duration") == Approx(1.0).margin(1e-6));
    }
}

TEST_CASE("RoundTrip: mp3 written to a MemorySink equals mp3 written to a file", "[roundtrip][media][sink]")
{
    REQUIRE(haveFfmpegTools());
    const TestDir dir;
    const auto audio = testSignal(SampleFormat::flt, 44100, 2, 44100 * 2);
    auto config = audioConfig(44100, 2, SampleFormat::flt, "libmp3lame");
    config.codecConfig.bitRate = 192000;

    const fs::path file = dir.file("file.mp3");
    writeFile(file, config, audio, 44100); // 1-second chunks, as the tutorial does

    MemorySink sink;
    {
        StreamWriter writer(sink, "mp3");
        const int stream = writer.addAudioStream(config);
        writer.open();
        writeAudioInChunks(writer, stream, audio, 0);
        writer.close();
        // Bytes handed over, rewrites of the header after a seek included.
        CHECK(writer.bytesWritten() >= int64_t(sink.bytes().size()));
    }
    const auto fileBytes = readFileBytes(file);
    REQUIRE(!sink.bytes().empty());
    CHECK(compareBytes(sink.bytes(), fileBytes) == "identical");

    const auto stream = probeStream(file);
    CHECK(stream.text("codec_name") == "mp3");
    CHECK(stream.integer("bit_rate") == 192000);
}

TEST_CASE("RoundTrip: encoderSampleRate resamples and encoderNumChannels remixes", "[roundtrip][media]")
{
    REQUIRE(haveFfmpegTools());
    const TestDir dir;
    const int64_t frames = 48000 * 2;
    const auto audio = testSignal(SampleFormat::flt, 48000, 2, frames);

    SECTION("48 kHz to 44.1 kHz")
    {
        SignalSpec spec; // a pure 440/880 Hz sine: well inside both bandwidths, so its level must survive
        spec.numFrames = frames;
        const auto sine = AudioBuffer::generate(spec, SampleFormat::flt);
        auto config = audioConfig(48000, 2, SampleFormat::flt, "pcm_f32le");
        config.encoderSampleRate = 44100;
        const fs::path file = dir.file("resampled.wav");
        writeFile(file, config, sine, 1000);
        const auto stream = probeStream(file);
        CHECK(stream.integer("sample_rate") == 44100);
        CHECK(stream.integer("channels") == 2);
        const auto decoded = decodeAudio<float>(file);
        // 2 s at 44.1 kHz; the resampler's delay is flushed at close, so nothing is lost or added (± 2 samples).
        CHECK(double(decoded.size() / 2) == Approx(88200).margin(2));
        CHECK(probeFormat(file).number("duration") == Approx(2.0).margin(2.0 / 44100));
        const double expectedRms = 0.5 / std::sqrt(2.0);
        CHECK(rms(decoded, 2, 0) == Approx(expectedRms).epsilon(0.01));
        CHECK(rms(decoded, 2, 1) == Approx(expectedRms).epsilon(0.01));
    }

    SECTION("stereo to mono and mono to stereo")
    {
        auto config = audioConfig(48000, 2, SampleFormat::flt, "flac");
        config.encoderNumChannels = 1;
        const fs::path mono = dir.file("mono.flac");
        writeFile(mono, config, audio, 777);
        auto stream = probeStream(mono);
        CHECK(stream.integer("channels") == 1);
        CHECK(stream.integer("sample_rate") == 48000);
        CHECK(decodeAudio<float>(mono).size() == size_t(frames));

        const auto monoIn = testSignal(SampleFormat::s16, 48000, 1, frames);
        auto upConfig = audioConfig(48000, 1, SampleFormat::s16, "pcm_s16le");
        upConfig.encoderNumChannels = 2;
        const fs::path stereo = dir.file("stereo.wav");
        writeFile(stereo, upConfig, monoIn, 777);
        stream = probeStream(stereo);
        CHECK(stream.integer("channels") == 2);
        const auto decoded = decodeAudio<float>(stereo);
        REQUIRE(decoded.size() == size_t(frames * 2));
        // Both output channels carry the mono signal.
        CHECK(rms(decoded, 2, 0) > 0.1);
        CHECK(rms(decoded, 2, 0) == Approx(rms(decoded, 2, 1)).epsilon(1e-6));
    }
}

TEST_CASE("RoundTrip: a filter description is applied", "[roundtrip][media]")
{
    REQUIRE(haveFfmpegTools());
    const TestDir dir;
    const auto audio = testSignal(SampleFormat::flt, 48000, 2, 48000);
    const fs::path plain = dir.file("plain.wav");
    const fs::path filtered = dir.file("volume.wav");
    writeFile(plain, audioConfig(48000, 2, SampleFormat::flt, "pcm_f32le"), audio, 1000);
    auto config = audioConfig(48000, 2, SampleFormat::flt, "pcm_f32le");
    config.filterDesc = "volume=0.5";
    writeFile(filtered, config, audio, 1000);

    const auto a = decodeAudio<float>(plain);
    const auto b = decodeAudio<float>(filtered);
    REQUIRE(a.size() == b.size());
    const double ratio = rms(b) / rms(a);
    INFO("rms ratio filtered/plain = " << ratio);
    CHECK(ratio == Approx(0.5).margin(1e-4));
}

TEST_CASE("RoundTrip: a pts past the end inserts silence of the right length", "[roundtrip][media]")
{
    REQUIRE(haveFfmpegTools());
    const TestDir dir;
    const int rate = 48000;
    const auto first = testSignal(SampleFormat::s16, rate, 2, rate / 2);  // 0.0 .. 0.5 s
    const auto second = testSignal(SampleFormat::s16, rate, 2, rate / 4); // at 1.25 s
    const fs::path file = dir.file("gap.wav");
    {
        StreamWriter writer(file.string());
        const int stream = writer.addAudioStream(audioConfig(rate, 2, SampleFormat::s16, "pcm_s16le"));
        writer.open();
        writer.writeAudioChunk(stream, first.all(), 0.0);
        writer.writeAudioChunk(stream, second.all(), 1.25);
        writer.close();
    }
    const auto decoded = decodeAudio<int16_t>(file);
    REQUIRE(decoded.size() == size_t((rate * 3 / 2) * 2)); // 1.5 s in all
    const auto firstBytes = first.interleavedBytes();
    const auto secondBytes = second.interleavedBytes();
    const auto* bytes = reinterpret_cast<const uint8_t*>(decoded.data());
    CHECK(std::equal(firstBytes.begin(), firstBytes.end(), bytes));
    const size_t gapStart = size_t(rate / 2) * 2, gapEnd = size_t(rate * 5 / 4) * 2;
    CHECK(std::all_of(decoded.begin() + long(gapStart), decoded.begin() + long(gapEnd),
                      [](int16_t s) { return s == 0; }));
    CHECK(std::equal(secondBytes.begin(), secondBytes.end(), bytes + gapEnd * 2));
    CHECK(probeFormat(file).number("duration") == Approx(1.5).margin(1e-6));
}

TEST_CASE("RoundTrip: container and stream metadata are visible to ffprobe", "[roundtrip][media]")
{
    REQUIRE(haveFfmpegTools());
    const TestDir dir;
    const auto audio = testSignal(SampleFormat::s16, 48000, 2, 4800);
    for (const std::string extension : {"mka", "flac", "mp3"})
    {
        const fs::path file = dir.file("tagged." + extension);
        {
            StreamWriter writer(file.string());
            auto config = audioConfig(48000, 2, SampleFormat::s16, extension == "mp3" ? "libmp3lame" : "flac");
            config.metadata = {{"language", "eng"}, {"title", "Left and right"}};
            const int stream = writer.addAudioStream(config);
            writer.setMetadata({{"title", "Capstan take 1"}, {"artist", "Test Suite"}});
            writer.open();
            writeAudioInChunks(writer, stream, audio, 0);
            writer.close();
        }
        INFO(file);
        const auto format = probeFormat(file);
        INFO("format: " << format.describe());
        // Tag keys are case-insensitive in FFmpeg; Vorbis comments print them upper-case.
        const auto tag = [](const ProbeFields& f, const std::string& key)
        {
            for (const auto& [k, v] : f.all())
            {
                std::string lower = k;
                std::transform(lower.begin(), lower.end(), lower.begin(), ::tolower);
                if (lower == "tag:" + key)
                    return v;
            }
            return std::string("<missing>");
        };
        if (extension == "flac")
        {
            // FLAC has one set of Vorbis comments: stream and container tags end up together.
            CHECK(tag(format, "title") == "Capstan take 1");
            CHECK(tag(format, "artist") == "Test Suite");
            continue;
        }
        CHECK(tag(format, "title") == "Capstan take 1");
        CHECK(tag(format, "artist") == "Test Suite");
        if (extension == "mka")
        {
            const auto stream = probeStream(file);
            INFO("stream: " << stream.describe());
            CHECK(tag(stream, "language") == "eng");
            CHECK(tag(stream, "title") == "Left and right");
        }
    }
}

TEST_CASE("RoundTrip: an unnamed channel layout means the usual one for its count", "[roundtrip][media]")
{
    // Plain WAV files have no named layout ("2 channels"); aac refuses unnamed layouts, so StreamWriter must take
    // it as stereo rather than fail.
    REQUIRE(haveFfmpegTools());
    const TestDir dir;
    SignalSpec spec;
    spec.numChannels = 2;
    spec.numFrames = 48000;
    const auto audio = AudioBuffer::generate(spec, SampleFormat::flt);
    auto config = audioConfig(48000, 2, SampleFormat::flt, "aac");
    config.channelLayout = "2 channels";
    const fs::path file = dir.file("unnamed.m4a");
    writeFile(file, config, audio);
    const auto stream = probeStream(file);
    CAPTURE(stream.describe());
    CHECK(stream.text("channel_layout") == "stereo");
    CHECK(stream.integer("channels") == 2);
}

TEST_CASE("RoundTrip: chapters reach matroska exactly and mp4 as start times", "[roundtrip][media]")
{
    REQUIRE(haveFfmpegTools());
    const TestDir dir;
    SignalSpec spec;
    spec.numFrames = 3 * 48000;
    const auto audio = AudioBuffer::generate(spec, SampleFormat::flt);
    for (const std::string name : {"chapters.mka", "chapters.mp4"})
    {
        INFO(name);
        const fs::path file = dir.file(name);
        StreamWriter writer(file.string());
        const int a = writer.addAudioStream(
            audioConfig(48000, spec.numChannels, SampleFormat::flt, name.ends_with(".mka") ? "flac" : "aac"));
        writer.addChapter({0.0, 1.25, "intro"}); // before open() and after: both reach the file
        writer.open();
        writer.writeAudioChunk(a, audio.all());
        writer.addChapter({1.25, 3.0, "verse, with a comma"});
        writer.close();

        const auto chapters = probeChapters(file);
        REQUIRE(chapters.size() == 2);
        CHECK(chapters[0].title == "intro");
        CHECK(chapters[1].title == "verse, with a comma");
        CHECK(chapters[1].start == Approx(1.25).margin(0.001));
        if (name.ends_with(".mka"))
            CHECK(chapters[0].end == Approx(1.25).margin(1e-6));
    }

    StreamWriter writer(dir.file("bad.mka").string());
    writer.addAudioStream(audioConfig(48000, 2, SampleFormat::flt, "flac"));
    REQUIRE_THROWS_WITH(writer.addChapter({2.0, 1.0, "backwards"}),
                        Catch::Contains("0 <= start <= end") && Catch::Contains("2.0"));
}

TEST_CASE("more than 8 planar channels: every channel reaches the encoder", "[roundtrip][channels]")
{
    // AVFrame::data holds 8 planes; the encoder's frame is filled through extended_data, or channels 9 and up
    // would be written past the array (found by fuzz_parameters under ASan).
    TestDir dir;
    constexpr int channels = 16;
    constexpr int frames = 48000;
    std::vector<std::vector<float>> planes(channels, std::vector<float>(frames));
    for (int c = 0; c < channels; ++c)
        for (int i = 0; i < frames; ++i)
            planes[size_t(c)][size_t(i)] = 0.02f * float(c + 1) * std::sin(0.05f * float(i));
    std::vector<const float*> pointers;
    for (const auto& p : planes)
        pointers.push_back(p.data());
    const fs::path file = dir.file("sixteen.ogg");
    StreamWriter writer(file.string());
    const int stream = writer.addAudioStream(
        {.sampleRate = 48000, .numChannels = channels, .format = SampleFormat::fltp, .encoder = "libvorbis"});
    writer.open();
    writer.writeAudioChunk(stream, std::span<const float* const>(pointers), frames);
    writer.close();
    CHECK(writer.streamInfo(stream).sampleFormat == "fltp");

    const auto decoded = decodeAudio<float>(file);
    REQUIRE(decoded.size() >= size_t(channels * (frames - 1024))); // within a Vorbis block of the length
    for (int c = 0; c < channels; ++c)
    {
        INFO("channel " << c);
        const double expected = 0.02 * (c + 1) / std::sqrt(2.0);
        CHECK(rms(std::span<const float>(decoded), channels, c) == Approx(expected).epsilon(0.1));
    }
}
