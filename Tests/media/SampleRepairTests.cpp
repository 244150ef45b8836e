// Sample values are data, not a threat (DESIGN.md rule 7): NaN, +-Inf and absurd magnitudes are repaired where
// the audio is converted, counted with their positions, and never abort the process or end a stream.

#include "support/TestSupport.h"

#include <capstan/media/MemorySink.h>

#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>
#include <limits>
#include <random>

using namespace capstan;
using namespace capstan::test;

namespace
{
constexpr int sampleRate = 48000;
constexpr float qnan = std::numeric_limits<float>::quiet_NaN();
constexpr float infinity = std::numeric_limits<float>::infinity();

/** A quiet stereo sine, interleaved, with `bad` values planted at the given frame of channel 0. */
std::vector<float> sineWith(int64_t frames, const std::vector<std::pair<int64_t, float>>& bad)
{
    std::vector<float> samples(static_cast<size_t>(frames * 2));
    for (int64_t i = 0; i < frames; ++i)
        samples[size_t(2 * i)] = samples[size_t(2 * i + 1)] = 0.25f * std::sin(0.05f * float(i));
    for (const auto& [frame, value] : bad)
        samples[size_t(2 * frame)] = value;
    return samples;
}

SampleRepairs writeInChunks(const fs::path& file, const std::string& encoder, std::span<const float> samples,
                            int64_t chunkFrames, const std::string& filter = {})
{
    StreamWriter writer(file.string());
    const int stream = writer.addAudioStream({.sampleRate = sampleRate,
                                              .numChannels = 2,
                                              .format = SampleFormat::flt,
                                              .encoder = encoder,
                                              .filterDesc = filter});
    writer.open();
    for (size_t done = 0; done < samples.size();)
    {
        const size_t n = std::min(samples.size() - done, size_t(chunkFrames * 2));
        writer.writeAudioChunk(stream, samples.subspan(done, n));
        done += n;
    }
    const SampleRepairs repairs = writer.sampleRepairs(stream);
    writer.close();
    return repairs;
}

/** Random 32-bit patterns as floats: NaNs, infinities, denormals, +-1e38 and everything between. */
std::vector<float> randomBits(size_t count, uint32_t seed)
{
    std::mt19937 random(seed);
    std::vector<float> samples(count);
    for (auto& s : samples)
    {
        const uint32_t bits = random();
        std::memcpy(&s, &bits, sizeof s);
    }
    return samples;
}
} // namespace

TEST_CASE("non-finite samples become silence in float PCM, counted at their positions", "[repair]")
{
    TestDir dir;
    const auto samples = sineWith(48000, {{1000, qnan}, {1001, infinity}, {30000, -infinity}, {40000, 5e30f}});
    const SampleRepairs repairs = writeInChunks(dir.file("f.wav"), "pcm_f32le", samples, 777);
    CHECK(repairs.nonFiniteSamples == 3);
    CHECK(repairs.clippedSamples == 0); // float PCM keeps finite values as they are
    REQUIRE(repairs.intervals.size() == 2);
    CHECK(repairs.intervals[0] == RepairInterval{1000, 2});
    CHECK(repairs.intervals[1] == RepairInterval{30000, 1});
    CHECK(repairs.intervalCount == 2);

    const auto decoded = decodeAudio<float>(dir.file("f.wav"));
    REQUIRE(decoded.size() == samples.size());
    CHECK(decoded[2000] == 0.0f);
    CHECK(decoded[2002] == 0.0f);
    CHECK(decoded[60000] == 0.0f);
    CHECK(decoded[80000] == 5e30f);
    CHECK(decoded[2001] == samples[2001]); // the other channel of the frame is untouched
    CHECK(decoded[4000] == samples[4000]);
}

TEST_CASE("integer encoders get silence for NaN and full scale of the right sign for huge values", "[repair]")
{
    TestDir dir;
    // Before the repair, libswresample turned NaN and +1e30 into -32768: a full-scale click of the wrong sign.
    const auto samples = sineWith(48000, {{100, qnan}, {200, 1e30f}, {300, -1e30f}, {400, 3.0f}});
    for (const std::string encoder : {"pcm_s16le", "flac"})
    {
        const fs::path file = dir.file(encoder + (encoder == "flac" ? ".flac" : ".wav"));
        const SampleRepairs repairs = writeInChunks(file, encoder, samples, 4096);
        CHECK(repairs.nonFiniteSamples == 1);
        CHECK(repairs.clippedSamples == 2); // 3.0 is an ordinary over: the converter clips it, not a repair
        const auto decoded = decodeAudio<int16_t>(file);
        REQUIRE(decoded.size() == samples.size());
        CHECK(decoded[200] == 0);
        CHECK(decoded[400] == 32767);
        CHECK(decoded[600] == -32768);
        CHECK(decoded[800] == 32767);
    }
}

TEST_CASE("wav written in large chunks counts every repaired sample, as in small ones", "[repair][chunking]")
{
    // Large writes into wav go to the encoder whole, past the FIFO: the repair must still see every sample.
    TestDir dir;
    auto samples = sineWith(96000, {{10, qnan}, {46079, infinity}, {46080, -1e30f}, {95999, 2e9f}});
    const auto noise = randomBits(6000, 3);
    std::copy(noise.begin(), noise.end(), samples.begin() + 60000);
    for (const std::string encoder : {"pcm_s16le", "pcm_f32le"})
    {
        std::vector<uint8_t> reference;
        SampleRepairs referenceRepairs;
        for (const int64_t chunk : {777, 46080, 96000})
        {
            const fs::path file = dir.file(encoder + "-" + std::to_string(chunk) + ".wav");
            const SampleRepairs repairs = writeInChunks(file, encoder, samples, chunk);
            INFO(encoder << ", chunk " << chunk);
            CHECK(repairs.nonFiniteSamples >= 2);
            if (reference.empty())
            {
                reference = readFileBytes(file);
                referenceRepairs = repairs;
                continue;
            }
            CHECK(compareBytes(readFileBytes(file), reference) == "identical");
            CHECK(repairs.nonFiniteSamples == referenceRepairs.nonFiniteSamples);
            CHECK(repairs.clippedSamples == referenceRepairs.clippedSamples);
            CHECK(repairs.intervalCount == referenceRepairs.intervalCount);
            CHECK(repairs.intervals == referenceRepairs.intervals);
        }
        const auto decoded = decodeAudio<float>(dir.file(encoder + "-46080.wav"));
        REQUIRE(decoded.size() == samples.size());
        CHECK(decoded[20] == 0.0f);        // NaN at frame 10, left channel
        CHECK(decoded[2 * 46079] == 0.0f); // Inf: the last sample of the first large write
        CHECK(decoded[21] == Approx(samples[21]).margin(1.0 / 16384));
    }
}

TEST_CASE("a NaN in an AAC stream does not end it", "[repair]")
{
    TestDir dir;
    // FFmpeg's aac encoder refuses a frame holding NaN ("Input contains (near) NaN/+-Inf"): the stream ended there.
    const auto samples = sineWith(2 * 48000, {{24000, qnan}});
    const SampleRepairs repairs = writeInChunks(dir.file("a.m4a"), "aac", samples, 1024);
    CHECK(repairs.nonFiniteSamples == 1);
    const auto decoded = decodeAudio<float>(dir.file("a.m4a"));
    CHECK(decoded.size() >= samples.size());
    // The second second is there and is the sine, not silence.
    CHECK(rms(std::span<const float>(decoded).subspan(size_t(2 * 60000), 2 * 20000)) > 0.1);
}

TEST_CASE("a filter that makes infinities from finite input is repaired after the filter", "[repair]")
{
    TestDir dir;
    const auto samples = sineWith(48000, {});
    const SampleRepairs repairs = writeInChunks(dir.file("v.mp3"), "libmp3lame", samples, 512, "volume=1e39");
    // volume=1e39 makes every non-zero sample infinite (only sin(0) = 0 stays finite).
    CHECK(repairs.nonFiniteSamples >= 2 * 48000 - 4);
    CHECK(probeFormat(dir.file("v.mp3")).number("duration") == Approx(1.0).margin(0.1));
}

TEST_CASE("repaired output is the same however the input is chunked", "[repair][chunking]")
{
    TestDir dir;
    auto samples = sineWith(20000, {{5, qnan}, {5000, infinity}, {5001, -infinity}, {19999, 1e20f}});
    const auto noise = randomBits(4000, 7);
    std::copy(noise.begin(), noise.end(), samples.begin() + 10000);
    std::vector<uint8_t> reference;
    SampleRepairs referenceRepairs;
    for (const int64_t chunk : {20000, 1, 7, 512, 4096})
    {
        const fs::path file = dir.file("c" + std::to_string(chunk) + ".flac");
        const SampleRepairs repairs = writeInChunks(file, "flac", samples, chunk);
        if (reference.empty())
        {
            reference = readFileBytes(file);
            referenceRepairs = repairs;
            continue;
        }
        INFO("chunk " << chunk);
        CHECK(compareBytes(readFileBytes(file), reference) == "identical");
        CHECK(repairs.nonFiniteSamples == referenceRepairs.nonFiniteSamples);
        CHECK(repairs.clippedSamples == referenceRepairs.clippedSamples);
        CHECK(repairs.intervalCount == referenceRepairs.intervalCount);
    }
}

TEST_CASE("random float bit patterns into every lossy encoder: no abort, the whole length kept", "[repair][fuzz]")
{
    // Before the repair, random float WAVs encoded to MP3 aborted the process 48 times in 100 (libmp3lame's
    // asserts). Each seed mixes stretches of random bits, denormals, +-1e38, NaN runs and ordinary audio.
    TestDir dir;
    struct Target
    {
        std::string encoder, extension;
    };
    const Target targets[] = {{"libmp3lame", "mp3"}, {"aac", "m4a"}, {"libopus", "opus"}, {"libvorbis", "ogg"}};
    for (uint32_t seed = 1; seed <= 6; ++seed)
    {
        std::mt19937 random(seed);
        std::vector<float> samples = randomBits(2 * 24000, seed);
        for (size_t i = 0; i < samples.size(); ++i)
            switch ((i / 3000 + seed) % 5)
            {
            case 0:
                break; // random bits
            case 1:
                samples[i] = std::numeric_limits<float>::denorm_min() * float(random() % 100);
                break;
            case 2:
                samples[i] = (random() & 1) ? 1e38f : -1e38f;
                break;
            case 3:
                samples[i] = (random() % 3) ? qnan : 0.5f;
                break;
            default:
                samples[i] = 0.3f * std::sin(0.01f * float(i));
            }
        for (const auto& target : targets)
        {
            INFO(target.encoder << " seed " << seed);
            const fs::path file = dir.file(std::to_string(seed) + "." + target.extension);
            SampleRepairs repairs;
            REQUIRE_NOTHROW(repairs = writeInChunks(file, target.encoder, samples, 1 + random() % 3000));
            CHECK(repairs.any());
            CHECK(probeFormat(file).number("duration") == Approx(0.5).margin(0.08));
        }
    }
}

TEST_CASE("double and planar input are repaired too", "[repair]")
{
    MemorySink sink;
    StreamWriter writer(sink, "wav");
    const int stream = writer.addAudioStream(
        {.sampleRate = sampleRate, .numChannels = 2, .format = SampleFormat::dblp, .encoder = "pcm_s16le"});
    writer.open();
    std::vector<double> left(100, 0.5), right(100, 0.5);
    left[10] = std::numeric_limits<double>::quiet_NaN();
    right[10] = -std::numeric_limits<double>::infinity();
    right[50] = 1e300;
    const double* planes[] = {left.data(), right.data()};
    writer.writeAudioChunk(stream, std::span<const double* const>(planes), 100);
    const SampleRepairs repairs = writer.sampleRepairs(stream);
    CHECK(repairs.nonFiniteSamples == 2);
    CHECK(repairs.clippedSamples == 1);
    REQUIRE(repairs.intervals.size() == 2);
    CHECK(repairs.intervals[0] == RepairInterval{10, 1});
    CHECK(repairs.intervals[1] == RepairInterval{50, 1});
    writer.close();
}

TEST_CASE("a pts jump may insert at most an hour of silence", "[repair][errors]")
{
    MemorySink sink;
    StreamWriter writer(sink, "wav");
    const int stream = writer.addAudioStream({.sampleRate = sampleRate, .numChannels = 1});
    writer.open();
    const std::vector<float> chunk(480, 0.1f);
    CHECK_THROWS_WITH(writer.writeAudioChunk(stream, std::span<const float>(chunk), 1e9),
                      Catch::Contains("at most 3600 s"));
    writer.close();
    CHECK(sink.bytes().size() < 1000); // nothing but the header
}

TEST_CASE("sample rates have a range", "[errors]")
{
    MemorySink sink;
    StreamWriter writer(sink, "wav");
    CHECK_THROWS_WITH(writer.addAudioStream({.sampleRate = 2000000000, .numChannels = 1}),
                      Catch::Contains("between 1000 and 768000 Hz"));
    CHECK_THROWS_WITH(writer.addAudioStream({.sampleRate = 48000, .numChannels = 1, .encoderSampleRate = 2000000000}),
                      Catch::Contains("between 1000 and 768000 Hz"));
}
