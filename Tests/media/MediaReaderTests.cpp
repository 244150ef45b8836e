// MediaReader: what it reports about streams, and whether what it decodes equals what the ffmpeg CLI decodes.
// Inputs are made with the ffmpeg CLI, so MediaReader is judged against an independent tool.

#include "support/TestSupport.h"

#include <capstan/media/MediaReader.h>

#include <catch2/catch.hpp>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <sys/stat.h>
#include <thread>

using namespace capstan;
using namespace capstan::test;

namespace
{
/** 1.5 s of 48 kHz stereo s16 (440 Hz left, 660 Hz right). */
fs::path makeStereoWav(const TestDir& dir)
{
    const auto path = dir.file("in.wav");
    runFfmpeg({"-f", "lavfi", "-i", "sine=f=440:r=48000:d=1.5", "-f", "lavfi", "-i", "sine=f=660:r=48000:d=1.5",
               "-filter_complex", "[0:a][1:a]join=inputs=2:channel_layout=stereo", "-c:a", "pcm_s16le", path.string()});
    return path;
}

/** 10 frames of 64x48 rgb24 test pattern at 30000/1001 fps, stored raw in nut (what the benchmark reads). */
fs::path makeRawVideo(const TestDir& dir, const std::string& pixelFormat = "rgb24")
{
    const auto path = dir.file("in_" + pixelFormat + ".nut");
    runFfmpeg({"-f", "lavfi", "-i", "testsrc=size=64x48:rate=30000/1001", "-frames:v", "10", "-pix_fmt", pixelFormat,
               "-c:v", "rawvideo", path.string()});
    return path;
}

std::vector<uint8_t> concat(const std::vector<AudioChunk>& chunks, int plane)
{
    std::vector<uint8_t> bytes;
    for (const auto& c : chunks)
        bytes.insert(bytes.end(), c.planes[size_t(plane)].begin(), c.planes[size_t(plane)].end());
    return bytes;
}

std::vector<AudioChunk> readAll(MediaReader& reader, int64_t chunkFrames)
{
    std::vector<AudioChunk> chunks;
    while (auto chunk = reader.readAudio(chunkFrames))
        chunks.push_back(std::move(*chunk));
    return chunks;
}
} // namespace

TEST_CASE("MediaReader describes an audio file's stream", "[reader]")
{
    REQUIRE(haveFfmpegTools());
    TestDir dir;
    const auto wav = makeStereoWav(dir);
    MediaReader reader(wav.string());

    REQUIRE(reader.streams().size() == 1);
    const auto& info = reader.streams()[0];
    CHECK(info.isAudio());
    CHECK(info.sampleRate == 48000);
    CHECK(info.numChannels == 2);
    CHECK(info.channelLayout.empty()); // a plain PCM WAV header does not say which channels these are
    CHECK(info.sampleFormat == "s16");
    REQUIRE(info.duration.has_value());
    CHECK(*info.duration == Approx(1.5).margin(1e-6));
    CHECK(reader.formatName() == "wav");
    CHECK(reader.bestAudioStream() == 0);
    CHECK(reader.bestVideoStream() == -1);

    // FLAC does name its layout.
    const auto flac = dir.file("in.flac");
    runFfmpeg({"-i", wav.string(), flac.string()});
    MediaReader flacReader(flac.string());
    CHECK(flacReader.streams()[0].channelLayout == "stereo");
    CHECK(flacReader.streams()[0].codec == "flac");
}

TEST_CASE("MediaReader decodes audio bit-exactly in chunks of the asked size", "[reader]")
{
    REQUIRE(haveFfmpegTools());
    TestDir dir;
    const auto wav = makeStereoWav(dir);
    const auto expected = decodeAudioBytes(wav, "s16le");
    REQUIRE(expected.size() == 72000 * 2 * sizeof(int16_t));

    for (const int64_t chunkFrames : {int64_t(1000), int64_t(7), int64_t(72000), int64_t(100000)})
    {
        CAPTURE(chunkFrames);
        MediaReader reader(wav.string());
        reader.selectAudio(0, {.format = SampleFormat::s16});
        const auto chunks = readAll(reader, chunkFrames);
        REQUIRE(!chunks.empty());
        int64_t total = 0;
        for (size_t i = 0; i < chunks.size(); ++i)
        {
            // Every chunk but the last is exactly the asked size, and its pts follows the sample count.
            if (i + 1 < chunks.size())
                REQUIRE(chunks[i].numFrames == chunkFrames);
            REQUIRE(chunks[i].pts == Approx(double(total) / 48000.0).margin(1e-9));
            REQUIRE(chunks[i].numChannels == 2);
            REQUIRE(chunks[i].sampleRate == 48000);
            total += chunks[i].numFrames;
        }
        CHECK(total == 72000);
        CHECK(concat(chunks, 0) == expected);
        CHECK_FALSE(reader.readAudio(chunkFrames).has_value()); // stays at the end
    }
}

TEST_CASE("MediaReader's reusing audio reader yields the same samples", "[reader]")
{
    REQUIRE(haveFfmpegTools());
    TestDir dir;
    const auto wav = makeStereoWav(dir);
    const auto expected = decodeAudioBytes(wav, "s16le");

    MediaReader reader(wav.string());
    reader.selectAudio(0, {.format = SampleFormat::s16});
    AudioChunk chunk;
    std::vector<uint8_t> bytes;
    int64_t total = 0;
    while (reader.readAudio(5000, chunk))
    {
        REQUIRE(chunk.planes[0].size() == size_t(chunk.numFrames) * 4);
        REQUIRE(chunk.pts == Approx(double(total) / 48000.0).margin(1e-9));
        bytes.insert(bytes.end(), chunk.planes[0].begin(), chunk.planes[0].end());
        total += chunk.numFrames;
    }
    CHECK(total == 72000);
    CHECK(chunk.numFrames == 72000 % 5000); // the last chunk is the short one
    CHECK(bytes == expected);
}

TEST_CASE("MediaReader converts to planar and float with libswresample", "[reader]")
{
    REQUIRE(haveFfmpegTools());
    TestDir dir;
    const auto wav = makeStereoWav(dir);
    const auto interleaved = decodeAudio<int16_t>(wav);

    MediaReader planarReader(wav.string());
    planarReader.selectAudio(0, {.format = SampleFormat::s16p});
    const auto planar = readAll(planarReader, 4096);
    const auto left = concat(planar, 0), right = concat(planar, 1);
    REQUIRE(planar[0].planes.size() == 2);
    REQUIRE(left.size() == interleaved.size()); // half the samples, twice the bytes per sample
    for (size_t i = 0; i < interleaved.size() / 2; ++i)
    {
        int16_t l, r;
        std::memcpy(&l, left.data() + i * 2, 2);
        std::memcpy(&r, right.data() + i * 2, 2);
        REQUIRE(l == interleaved[i * 2]);
        REQUIRE(r == interleaved[i * 2 + 1]);
    }

    MediaReader floatReader(wav.string());
    floatReader.selectAudio(0, {.format = SampleFormat::flt});
    const auto floats = concat(readAll(floatReader, 4096), 0);
    REQUIRE(floats.size() == interleaved.size() * sizeof(float));
    for (size_t i = 0; i < interleaved.size(); ++i)
    {
        float value;
        std::memcpy(&value, floats.data() + i * sizeof(float), sizeof(float));
        REQUIRE(value == float(interleaved[i]) / 32768.0f);
    }
}

TEST_CASE("MediaReader resamples and remixes on request", "[reader]")
{
    REQUIRE(haveFfmpegTools());
    TestDir dir;
    const auto wav = makeStereoWav(dir);
    MediaReader reader(wav.string());
    reader.selectAudio(0, {.format = SampleFormat::fltp, .sampleRate = 16000, .numChannels = 1});
    const auto chunks = readAll(reader, 1024);
    int64_t total = 0;
    for (const auto& c : chunks)
    {
        REQUIRE(c.numChannels == 1);
        REQUIRE(c.sampleRate == 16000);
        REQUIRE(c.planes.size() == 1);
        total += c.numFrames;
    }
    // 1.5 s at 16 kHz, give or take the resampler's filter delay.
    CHECK(std::abs(total - 24000) <= 32);
}

TEST_CASE("MediaReader decodes raw video frames exactly, with exact frame rate and timestamps", "[reader]")
{
    REQUIRE(haveFfmpegTools());
    TestDir dir;
    const auto nut = makeRawVideo(dir);
    const auto expected = decodeVideoBytes(nut, "rgb24");

    MediaReader reader(nut.string());
    const int index = reader.bestVideoStream();
    REQUIRE(index >= 0);
    const auto& info = reader.streams()[size_t(index)];
    CHECK(info.isVideo());
    CHECK(info.width == 64);
    CHECK(info.height == 48);
    CHECK(info.frameRate == Rational{30000, 1001});
    CHECK(info.pixelFormat == "rgb24");

    reader.selectVideo(index, {.format = PixelFormat::rgb24});
    std::vector<uint8_t> bytes;
    int count = 0;
    while (auto frame = reader.readVideoFrame())
    {
        REQUIRE(frame->width == 64);
        REQUIRE(frame->height == 48);
        REQUIRE(frame->data.size() == size_t(64 * 48 * 3));
        REQUIRE(frame->pts == Approx(count * 1001.0 / 30000.0).margin(1e-6));
        bytes.insert(bytes.end(), frame->data.begin(), frame->data.end());
        ++count;
    }
    CHECK(count == 10);
    CHECK(bytes == expected);
}

TEST_CASE("MediaReader's reusing frame reader yields the same frames", "[reader]")
{
    REQUIRE(haveFfmpegTools());
    TestDir dir;
    const auto nut = makeRawVideo(dir);
    const auto expected = decodeVideoBytes(nut, "rgb24");

    MediaReader reader(nut.string());
    reader.selectVideo(reader.bestVideoStream(), {.format = PixelFormat::rgb24});
    VideoFrame frame;
    std::vector<uint8_t> bytes;
    std::vector<double> pts;
    while (reader.readVideoFrame(frame))
    {
        bytes.insert(bytes.end(), frame.data.begin(), frame.data.end());
        pts.push_back(frame.pts);
    }
    CHECK(bytes == expected);
    REQUIRE(pts.size() == 10);
    CHECK(pts.back() == Approx(9 * 1001.0 / 30000.0).margin(1e-6));
    CHECK_FALSE(reader.readVideoFrame(frame));
}

TEST_CASE("MediaReader converts pixel formats and sizes with libswscale", "[reader]")
{
    REQUIRE(haveFfmpegTools());
    TestDir dir;
    const auto nut = makeRawVideo(dir, "yuv420p");

    SECTION("same format is copied tightly packed, equal to ffmpeg's bytes")
    {
        const auto expected = decodeVideoBytes(nut, "yuv420p");
        MediaReader reader(nut.string());
        reader.selectVideo(reader.bestVideoStream(), {.format = PixelFormat::yuv420p});
        std::vector<uint8_t> bytes;
        while (auto frame = reader.readVideoFrame())
            bytes.insert(bytes.end(), frame->data.begin(), frame->data.end());
        CHECK(bytes == expected);
    }
    SECTION("to bgra at another size")
    {
        MediaReader reader(nut.string());
        reader.selectVideo(reader.bestVideoStream(), {.format = PixelFormat::bgra, .width = 32, .height = 24});
        int count = 0;
        while (auto frame = reader.readVideoFrame())
        {
            REQUIRE(frame->format == PixelFormat::bgra);
            REQUIRE(frame->width == 32);
            REQUIRE(frame->height == 24);
            REQUIRE(frame->data.size() == size_t(32 * 24 * 4));
            // bgra from an opaque source: alpha is full everywhere.
            for (size_t p = 3; p < frame->data.size(); p += 4)
                REQUIRE(frame->data[p] == 255);
            ++count;
        }
        CHECK(count == 10);
    }
}

TEST_CASE("MediaReader reads audio and video of one file in step", "[reader]")
{
    REQUIRE(haveFfmpegTools());
    TestDir dir;
    const auto file = dir.file("av.nut");
    runFfmpeg({"-f", "lavfi", "-i", "testsrc=size=64x48:rate=25:d=2", "-f", "lavfi", "-i", "sine=f=440:r=44100:d=2",
               "-c:v", "rawvideo", "-pix_fmt", "rgb24", "-c:a", "pcm_s16le", file.string()});
    MediaReader reader(file.string());
    REQUIRE(reader.bestAudioStream() >= 0);
    REQUIRE(reader.bestVideoStream() >= 0);
    reader.selectAudio(reader.bestAudioStream(), {.format = SampleFormat::fltp});
    reader.selectVideo(reader.bestVideoStream(), {.format = PixelFormat::rgb24});

    int64_t samples = 0;
    int frames = 0;
    while (auto chunk = reader.readAudio(4410))
    {
        samples += chunk->numFrames;
        const double end = chunk->pts + double(chunk->numFrames) / chunk->sampleRate;
        while (auto next = reader.peekVideoPts())
        {
            if (*next >= end)
                break;
            REQUIRE(reader.readVideoFrame().has_value());
            ++frames;
        }
        // Video never runs behind the audio by more than a frame.
        CHECK(frames >= int(end * 25) - 1);
    }
    while (reader.readVideoFrame())
        ++frames;
    CHECK(samples == 88200);
    CHECK(frames == 50);
}

TEST_CASE("MediaReader's convenience reader decodes the best audio stream whole", "[reader]")
{
    REQUIRE(haveFfmpegTools());
    TestDir dir;
    const auto wav = makeStereoWav(dir);
    MediaReader reader(wav.string());
    int64_t total = 0;
    int calls = 0;
    reader.readAudio(10000, SampleFormat::dbl,
                     [&](const AudioChunk& chunk)
                     {
                         CHECK(chunk.format == SampleFormat::dbl);
                         CHECK(chunk.planes[0].size() == size_t(chunk.numFrames) * 2 * sizeof(double));
                         total += chunk.numFrames;
                         ++calls;
                     });
    CHECK(total == 72000);
    CHECK(calls == 8);
}

TEST_CASE("MediaReader reports bad input clearly", "[reader][errors]")
{
    REQUIRE(haveFfmpegTools());
    TestDir dir;

    SECTION("missing file: names the path and FFmpeg's reason")
    {
        const auto missing = dir.file("missing.wav").string();
        CHECK_THROWS_WITH(MediaReader(missing), Catch::Contains(missing) && Catch::Contains("No such file"));
    }
    SECTION("not media")
    {
        const auto text = dir.file("notes.txt");
        const std::string words = "these are not samples\n";
        writeFileBytes(text, std::span(reinterpret_cast<const uint8_t*>(words.data()), words.size()));
        CHECK_THROWS_WITH(MediaReader(text.string()), Catch::Contains(text.string()));
    }
    SECTION("unknown demuxer")
    {
        const auto wav = makeStereoWav(dir);
        CHECK_THROWS_WITH(MediaReader(wav.string(), "nosuchformat"),
                          Catch::Contains("unknown input format 'nosuchformat'"));
    }
    SECTION("wrong stream kind, missing stream, late selection, bad sizes")
    {
        const auto wav = makeStereoWav(dir);
        MediaReader reader(wav.string());
        CHECK_THROWS_WITH(reader.selectVideo(0, {}), Catch::Contains("is not a video stream"));
        CHECK_THROWS_WITH(reader.selectAudio(3, {}), Catch::Contains("has no stream 3"));
        CHECK_THROWS_WITH(reader.readVideoFrame(), Catch::Contains("has no video stream"));
        CHECK_THROWS_WITH(reader.readAudio(0), Catch::Contains("at least 1 sample"));
        REQUIRE(reader.readAudio(100).has_value());
        CHECK_THROWS_WITH(reader.selectAudio(0, {}), Catch::Contains("before the first read"));
    }
    SECTION("video size must be given whole")
    {
        const auto nut = makeRawVideo(dir);
        MediaReader reader(nut.string());
        CHECK_THROWS_WITH(reader.selectVideo(0, {.format = PixelFormat::rgb24, .width = 32}),
                          Catch::Contains("both width and height"));
    }
}

TEST_CASE("MediaReader reads a truncated file to its end and says what is missing", "[reader][errors]")
{
    REQUIRE(haveFfmpegTools());
    const TestDir dir;
    const auto whole = dir.file("whole.flac");
    runFfmpeg({"-f", "lavfi", "-i", "sine=f=440:r=48000:d=3", "-c:a", "flac", whole.string()});
    const auto bytes = readFileBytes(whole);
    const auto cut = dir.file("cut.flac");
    writeFileBytes(cut, std::span(bytes).first(bytes.size() / 5)); // the header still says 3 s

    MediaReader reader(cut.string());
    int64_t frames = 0;
    reader.readAudio(4096, SampleFormat::flt, [&](const AudioChunk& chunk) { frames += chunk.numFrames; });
    const auto truncation = reader.truncation();
    REQUIRE(truncation);
    CHECK(truncation->declaredSeconds == Approx(3.0));
    CHECK(truncation->presentSeconds == Approx(double(frames) / 48000).margin(0.03));
    CHECK(truncation->presentSeconds < 1.0);
    CHECK_THAT(truncation->message, Catch::Contains("cut.flac' is truncated") && Catch::Contains("says 3 s"));

    MediaReader complete(whole.string());
    complete.readAudio(4096, SampleFormat::flt, [](const AudioChunk&) {});
    CHECK_FALSE(complete.truncation());
}

TEST_CASE("MediaReader waits a bounded time for a FIFO's writer", "[reader][errors]")
{
    REQUIRE(haveFfmpegTools());
    const TestDir dir;
    const auto fifo = dir.file("live.wav");
    REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);

    SECTION("nobody writes: a clear error within the timeout")
    {
        const auto start = std::chrono::steady_clock::now();
        CHECK_THROWS_WITH(MediaReader(fifo.string(), {}, {}, 0.5),
                          Catch::Contains("named pipe (FIFO)") &&
                              Catch::Contains("no program wrote to it within 0.5 s"));
        CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(3));
    }
    SECTION("a writer that closes without sending anything: said so, without waiting out the timeout")
    {
        std::thread writer([&] { std::fclose(std::fopen(fifo.c_str(), "wb")); });
        const auto start = std::chrono::steady_clock::now();
        CHECK_THROWS_WITH(MediaReader(fifo.string(), {}, {}, 0), Catch::Contains("closed it without sending anything"));
        CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(3));
        writer.join();
    }
    SECTION("a writer that starts late and finishes early is read whole")
    {
        const auto source = dir.file("source.wav");
        runFfmpeg({"-f", "lavfi", "-i", "sine=r=8000:d=1", "-c:a", "pcm_s16le", source.string()});
        const auto wav = readFileBytes(source);
        std::thread writer(
            [&]
            {
                std::this_thread::sleep_for(std::chrono::milliseconds(200));
                std::FILE* f = std::fopen(fifo.c_str(), "wb"); // blocks until the reader polls the FIFO
                std::fwrite(wav.data(), 1, wav.size(), f);
                std::fclose(f);
            });
        int64_t frames = 0;
        MediaReader reader(fifo.string(), {}, {}, 10.0);
        reader.readAudio(1000, SampleFormat::s16, [&](const AudioChunk& chunk) { frames += chunk.numFrames; });
        writer.join();
        CHECK(frames == 8000);
    }
}
