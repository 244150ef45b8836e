// Chunk-size invariance (DESIGN.md rule 2): the same samples written in one call or in chunks of any size give
// byte-identical files for every deterministic encoder, and the files decode to the length that was written.

#include "support/TestSupport.h"

#include <catch2/catch.hpp>

#include <algorithm>

using namespace capstan;
using namespace capstan::test;

namespace
{

constexpr int sampleRate = 48000;
constexpr int numChannels = 2;
constexpr Rational videoRate{30, 1};
constexpr int videoWidth = 160;
constexpr int videoHeight = 120;

struct MatrixCase
{
    std::string label;
    std::string fileName;
    std::string encoder;
    SampleFormat format;
    /** Decoded samples may exceed the written ones by this much (encoder priming/padding the container cannot
        trim); 0 = exact. */
    int64_t decodedSlack = 0;
    bool withVideo = false;
    /** The container declares the exact written length (edit list, granule positions, sample count). */
    bool exactContainerDuration = true;
};

/** Writes `audio` (and, for the video case, frames in step with it) in chunks of `chunkFrames` samples. */
void encode(const MatrixCase& c, const AudioBuffer& audio, const fs::path& file, int64_t chunkFrames,
            bool explicitPts = false)
{
    StreamWriter writer(file.string());
    AudioStreamConfig config;
    config.sampleRate = sampleRate;
    config.numChannels = numChannels;
    config.format = audio.format();
    config.encoder = c.encoder;
    const int a = writer.addAudioStream(config);

    int v = -1;
    std::vector<uint8_t> frames;
    int64_t frameBytes = 0;
    int64_t numVideoFrames = 0;
    if (c.withVideo)
    {
        VideoStreamConfig vc;
        vc.frameRate = videoRate;
        vc.width = videoWidth;
        vc.height = videoHeight;
        vc.format = PixelFormat::yuv420p;
        vc.encoder = "libx264";
        v = writer.addVideoStream(vc);
        numVideoFrames = audio.numFrames() * videoRate.num / (int64_t(sampleRate) * videoRate.den);
        frames = generateVideoFrames(PixelFormat::yuv420p, videoWidth, videoHeight, int(numVideoFrames));
        frameBytes = bytesPerFrame(PixelFormat::yuv420p, videoWidth, videoHeight);
    }
    writer.open();

    const int64_t total = audio.numFrames();
    const int64_t step = chunkFrames <= 0 ? total : chunkFrames;
    int64_t videoWritten = 0;
    for (int64_t start = 0; start < total; start += step)
    {
        const int64_t count = std::min(step, total - start);
        std::optional<double> pts;
        if (explicitPts)
            pts = double(start) / sampleRate;
        writer.writeAudioChunk(a, audio.chunk(start, count), pts);

        // Video frames whose time has come (all of them at the end when written at once).
        if (c.withVideo && chunkFrames > 0)
        {
            const int64_t due =
                std::min(numVideoFrames, (start + count) * videoRate.num / (int64_t(sampleRate) * videoRate.den));
            if (due > videoWritten)
            {
                writer.writeVideoChunk(
                    v, std::span<const uint8_t>(frames).subspan(size_t(videoWritten * frameBytes),
                                                                size_t((due - videoWritten) * frameBytes)));
                videoWritten = due;
            }
        }
    }
    if (c.withVideo && videoWritten < numVideoFrames)
        writer.writeVideoChunk(v, std::span<const uint8_t>(frames).subspan(size_t(videoWritten * frameBytes)));
    writer.close();
}

AudioBuffer makeSignal(SampleFormat format, double seconds)
{
    // A chirp with a little noise: every band of the encoder gets work, and no two frames are alike.
    SignalSpec spec;
    spec.waveform = Waveform::chirp;
    spec.sampleRate = sampleRate;
    spec.numChannels = numChannels;
    spec.numFrames = int64_t(seconds * sampleRate);
    spec.frequency = 100.0;
    spec.amplitude = 0.6;
    auto chirp = generateSignal(spec);
    spec.waveform = Waveform::noise;
    spec.amplitude = 0.05;
    const auto noise = generateSignal(spec);
    for (size_t i = 0; i < chirp.size(); ++i)
        chirp[i] += noise[i];
    return AudioBuffer::fromSignal(chirp, numChannels, format);
}

void checkDecodedLength(const MatrixCase& c, const fs::path& file, int64_t writtenFrames)
{
    const auto decoded = decodeAudio<float>(file);
    const int64_t decodedFrames = int64_t(decoded.size()) / numChannels;
    INFO(c.label << ": wrote " << writtenFrames << " samples per channel, ffmpeg decoded " << decodedFrames);
    CHECK(decodedFrames >= writtenFrames);
    CHECK(decodedFrames <= writtenFrames + c.decodedSlack);
    if (c.exactContainerDuration)
    {
        const auto format = probeFormat(file);
        INFO(format.describe());
        CHECK(format.number("duration") == Approx(double(writtenFrames) / sampleRate).margin(1e-3));
    }
}

void runMatrix(const MatrixCase& c)
{
    REQUIRE(haveFfmpegTools());
    const TestDir dir;
    const std::vector<int64_t> chunkSizes{7, 512, 1023, 1024, 1025, 8000};

    // Chunk size 1 costs one call per sample: it gets a shorter signal with its own all-at-once reference.
    const auto shortSignal = makeSignal(c.format, 1.0);
    const auto longSignal = makeSignal(c.format, 3.0);

    const fs::path shortReference = dir.file("short-all." + c.fileName);
    encode(c, shortSignal, shortReference, 0);
    const auto shortReferenceBytes = readFileBytes(shortReference);
    REQUIRE(shortReferenceBytes.size() > 100);

    const fs::path reference = dir.file("all." + c.fileName);
    encode(c, longSignal, reference, 0);
    const auto referenceBytes = readFileBytes(reference);
    REQUIRE(referenceBytes.size() > 100);

    // An encoder that is not deterministic would make the matrix meaningless: the same call twice must agree.
    {
        const fs::path again = dir.file("all-again." + c.fileName);
        encode(c, longSignal, again, 0);
        INFO(c.label << ": two identical all-at-once writes differ: the encoder or the muxer is not deterministic");
        REQUIRE(compareBytes(readFileBytes(again), referenceBytes) == "identical");
    }

    {
        const fs::path file = dir.file("chunk1." + c.fileName);
        encode(c, shortSignal, file, 1);
        INFO(c.label << ", chunk size 1: " << file);
        CHECK(compareBytes(readFileBytes(file), shortReferenceBytes) == "identical");
    }
    for (const int64_t size : chunkSizes)
    {
        const fs::path file = dir.file("chunk" + std::to_string(size) + "." + c.fileName);
        encode(c, longSignal, file, size);
        INFO(c.label << ", chunk size " << size << ": " << file << " vs " << reference);
        CHECK(compareBytes(readFileBytes(file), referenceBytes) == "identical");
    }

    checkDecodedLength(c, reference, longSignal.numFrames());
    checkDecodedLength(c, shortReference, shortSignal.numFrames());
}

} // namespace

TEST_CASE("Chunking: pcm_s16le in wav is byte-identical for every chunk size", "[chunking][media]")
{
    runMatrix({"pcm_s16le/wav", "wav", "pcm_s16le", SampleFormat::s16, 0});
}

TEST_CASE("Chunking: float converted to pcm_s16le in wav is byte-identical for every chunk size", "[chunking][media]")
{
    // The resampler's path, which hands a whole write to the encoder as one packet when it can (wav only).
    runMatrix({"flt to pcm_s16le/wav", "wav", "pcm_s16le", SampleFormat::flt, 0});
}

TEST_CASE("Chunking: pcm_f32le in wav and pcm_s16be in aiff are byte-identical for every chunk size",
          "[chunking][media]")
{
    runMatrix({"pcm_f32le/wav", "wav", "pcm_f32le", SampleFormat::flt, 0});
    runMatrix({"s32 to pcm_s16be/aiff", "aiff", "pcm_s16be", SampleFormat::s32, 0});
}

TEST_CASE("Chunking: wav from writes of mixed sizes, small ones between large ones, gives the same bytes",
          "[chunking][media]")
{
    // Small writes queue in the FIFO; a large write after them must not overtake what is queued.
    const TestDir dir;
    const auto signal = makeSignal(SampleFormat::flt, 2.0);
    const MatrixCase c{"flt to pcm_s16le/wav", "wav", "pcm_s16le", SampleFormat::flt, 0};
    const fs::path reference = dir.file("all.wav");
    encode(c, signal, reference, 0);
    for (const std::vector<int64_t> pattern :
         {std::vector<int64_t>{7, 5000, 100, 1024, 1, 30000, 1023}, std::vector<int64_t>{1500, 300, 300, 300}})
    {
        const fs::path file = dir.file("mixed.wav");
        StreamWriter writer(file.string());
        const int a = writer.addAudioStream({.sampleRate = sampleRate,
                                             .numChannels = numChannels,
                                             .format = SampleFormat::flt,
                                             .encoder = "pcm_s16le"});
        writer.open();
        size_t next = 0;
        for (int64_t start = 0; start < signal.numFrames(); next = (next + 1) % pattern.size())
        {
            const int64_t count = std::min(pattern[next], signal.numFrames() - start);
            writer.writeAudioChunk(a, signal.chunk(start, count));
            start += count;
        }
        writer.close();
        INFO("pattern starting " << pattern.front());
        CHECK(compareBytes(readFileBytes(file), readFileBytes(reference)) == "identical");
    }
}

TEST_CASE("Chunking: flac is byte-identical for every chunk size", "[chunking][media]")
{
    runMatrix({"flac", "flac", "flac", SampleFormat::s16, 0});
}

TEST_CASE("Chunking: libmp3lame in mp3 is byte-identical for every chunk size", "[chunking][media]")
{
    // The LAME tag carries the encoder delay and padding: FFmpeg decodes exactly what was written. Its format
    // duration is estimated from the bit rate, so it is not checked.
    runMatrix({"libmp3lame/mp3", "mp3", "libmp3lame", SampleFormat::flt, 0, false, false});
}

TEST_CASE("Chunking: aac in m4a is byte-identical for every chunk size", "[chunking][media]")
{
    // The edit list trims AAC's priming, but the ffmpeg CLI still decodes the last frame's padding (DESIGN.md): up
    // to one frame more. The container's duration is exact.
    runMatrix({"aac/m4a", "m4a", "aac", SampleFormat::fltp, 1024});
}

TEST_CASE("Chunking: libopus in ogg is byte-identical for every chunk size", "[chunking][media]")
{
    // Pre-skip and the end granule trim the decoded length exactly; ffprobe's format duration counts the pre-skip.
    runMatrix({"libopus/opus", "opus", "libopus", SampleFormat::flt, 0, false, false});
}

TEST_CASE("Chunking: libvorbis in ogg is byte-identical for every chunk size", "[chunking][media]")
{
    runMatrix({"libvorbis/ogg", "ogg", "libvorbis", SampleFormat::fltp, 0});
}

TEST_CASE("Chunking: libx264 with aac in mp4 is byte-identical for every chunk size", "[chunking][media][video]")
{
    runMatrix({"libx264+aac/mp4", "mp4", "aac", SampleFormat::flt, 1024, true});
}

TEST_CASE("Chunking: explicit pts on every chunk gives the same bytes as none", "[chunking][media]")
{
    REQUIRE(haveFfmpegTools());
    const TestDir dir;
    const std::vector<MatrixCase> cases{{"flac", "flac", "flac", SampleFormat::s16, 0},
                                        {"libmp3lame/mp3", "mp3", "libmp3lame", SampleFormat::flt, 0, false, false},
                                        {"aac/m4a", "m4a", "aac", SampleFormat::fltp, 1024}};
    for (const auto& c : cases)
    {
        const auto input = makeSignal(c.format, 2.0);
        const fs::path reference = dir.file("nopts." + c.fileName);
        encode(c, input, reference, 0);
        const auto referenceBytes = readFileBytes(reference);
        for (const int64_t size : {int64_t(7), int64_t(1000), int64_t(4801), int64_t(0)})
        {
            const fs::path file = dir.file("pts-chunk" + std::to_string(size) + "." + c.fileName);
            encode(c, input, file, size, true);
            INFO(c.label << ", pts on every chunk of " << size << ": " << file);
            CHECK(compareBytes(readFileBytes(file), referenceBytes) == "identical");
        }
    }
}

TEST_CASE("Chunking: the encoder gets whole frames, only the last one short", "[chunking][media]")
{
    // Written in chunks of 7 samples, every packet but the last still covers exactly the encoder's frame size.
    REQUIRE(haveFfmpegTools());
    const TestDir dir;
    const auto audio = makeSignal(SampleFormat::flt, 1.0);
    struct Case
    {
        std::string fileName, encoder;
        int frameSize;
    };
    for (const Case& c : {Case{"m4a", "aac", 1024}, Case{"mp3", "libmp3lame", 1152}, Case{"opus", "libopus", 960},
                          Case{"flac", "flac", 0}})
    {
        const fs::path file = dir.file("chunk7." + c.fileName);
        int frameSize = 0;
        {
            StreamWriter writer(file.string());
            AudioStreamConfig config;
            config.sampleRate = sampleRate;
            config.numChannels = numChannels;
            config.format = SampleFormat::flt;
            config.encoder = c.encoder;
            const int stream = writer.addAudioStream(config);
            writer.open();
            frameSize = writer.streamInfo(stream).frameSize;
            writeAudioInChunks(writer, stream, audio, 7);
            writer.close();
        }
        INFO(c.encoder << ": frame size " << frameSize);
        if (c.frameSize > 0)
            CHECK(frameSize == c.frameSize);
        REQUIRE(frameSize > 0);
        const auto durations = probePacketField(file, "a:0", "duration");
        REQUIRE(durations.size() > 2);
        // Packet durations are in the stream's time base: the first full one is the reference for all but the last.
        const std::string full = durations[1];
        size_t shortOnes = 0;
        for (size_t i = 0; i + 1 < durations.size(); ++i)
            shortOnes += durations[i] != full ? 1 : 0;
        INFO("packet duration " << full << " (time-base units), " << durations.size() << " packets");
        // The first packet may differ (encoder priming/pre-skip trimmed by the container); no other may.
        CHECK(shortOnes <= 1);
        CHECK(std::stoll(durations.back()) <= std::stoll(full));
    }
}
