// Video: exact frame counts and timestamps (the last frame kept), per-frame pts, lossless stills, every input pixel
// format, scaling, and audio + video interleaved in one file.

#include "support/TestSupport.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdlib>

using namespace capstan;
using namespace capstan::test;

namespace
{

VideoStreamConfig videoConfig(Rational rate, int width, int height, PixelFormat format, std::string encoder)
{
    VideoStreamConfig config;
    config.frameRate = rate;
    config.width = width;
    config.height = height;
    config.format = format;
    config.encoder = std::move(encoder);
    return config;
}

void writeVideoFile(const fs::path& file, const VideoStreamConfig& config, int numFrames, int64_t chunkFrames = 0)
{
    const auto frames = generateVideoFrames(config.format, config.width, config.height, numFrames);
    StreamWriter writer(file.string());
    const int stream = writer.addVideoStream(config);
    writer.open();
    writeVideoInChunks(writer, stream, frames, bytesPerFrame(config.format, config.width, config.height), chunkFrames);
    writer.close();
}

/** Mean absolute difference of two byte buffers of the same size, skipping every `skipEvery`-th byte (padding). */
double meanAbsDiff(const std::vector<uint8_t>& a, const std::vector<uint8_t>& b, int skipEvery = 0)
{
    double sum = 0;
    size_t n = 0;
    for (size_t i = 0; i < a.size(); ++i)
    {
        if (skipEvery > 0 && i % size_t(skipEvery) == size_t(skipEvery - 1))
            continue;
        sum += std::abs(int(a[i]) - int(b[i]));
        ++n;
    }
    return n == 0 ? 0.0 : sum / double(n);
}

void checkTimestamps(const fs::path& file, Rational rate, int numFrames, double tolerance)
{
    const auto stream = probeStream(file, "v:0", true);
    INFO(file << ": " << stream.describe());
    CHECK(stream.integer("nb_read_frames") == numFrames);

    const auto pts = probeFramePts(file);
    REQUIRE(pts.size() == size_t(numFrames));
    for (int i = 0; i < numFrames; ++i)
    {
        const double expected = double(i) * rate.den / rate.num;
        INFO("frame " << i << ": pts_time " << pts[size_t(i)] << ", expected " << expected);
        CHECK(std::abs(pts[size_t(i)] - expected) <= tolerance);
    }
}

} // namespace

TEST_CASE("Video: frame count and timestamps are exact and the last frame is kept", "[video][media]")
{
    REQUIRE(haveFfmpegTools());
    const TestDir dir;
    const int numFrames = 45;

    for (const Rational rate : {Rational{30, 1}, Rational{30000, 1001}})
    {
        const std::string name = std::to_string(rate.num) + "_" + std::to_string(rate.den);
        const double expectedDuration = double(numFrames) * rate.den / rate.num;

        SECTION("mp4 " + name)
        {
            const fs::path file = dir.file(name + ".mp4");
            writeVideoFile(file, videoConfig(rate, 128, 96, PixelFormat::rgb24, "libx264"), numFrames, 7);
            checkTimestamps(file, rate, numFrames, 1e-4);
            const auto stream = probeStream(file, "v:0");
            INFO(stream.describe());
            CHECK(stream.text("r_frame_rate") == std::to_string(rate.num) + "/" + std::to_string(rate.den));
            // The last frame lasts one frame period: the stream is N / fps long, not (N - 1) / fps.
            CHECK(stream.number("duration") == Approx(expectedDuration).margin(1e-3));
            CHECK(probeFormat(file).number("duration") == Approx(expectedDuration).margin(1e-3));
        }
        SECTION("mkv " + name)
        {
            const fs::path file = dir.file(name + ".mkv");
            writeVideoFile(file, videoConfig(rate, 128, 96, PixelFormat::yuv420p, "libx264"), numFrames, 1);
            checkTimestamps(file, rate, numFrames, 0.0011); // Matroska stores milliseconds
            CHECK(probeFormat(file).number("duration") == Approx(expectedDuration).margin(0.0011));
        }
    }
}

TEST_CASE("Video: per-frame pts are kept", "[video][media]")
{
    REQUIRE(haveFfmpegTools());
    const TestDir dir;
    // Irregular times on the 1/30 s grid: a variable-frame-rate source with dropped frames.
    const std::vector<int> ticks{0, 2, 3, 7, 8, 9, 20, 21, 30};
    std::vector<double> framePts;
    for (int t : ticks)
        framePts.push_back(t / 30.0);

    for (const std::string extension : {"mkv", "mp4"})
    {
        const fs::path file = dir.file("vfr." + extension);
        const auto config = videoConfig({30, 1}, 64, 48, PixelFormat::rgb24, "libx264");
        const auto frames = generateVideoFrames(config.format, 64, 48, int(ticks.size()));
        const auto frameBytes = size_t(bytesPerFrame(config.format, 64, 48));
        {
            StreamWriter writer(file.string());
            const int stream = writer.addVideoStream(config);
            writer.open();
            // Two calls: per-frame pts must continue across them.
            writer.writeVideoChunk(stream, std::span<const uint8_t>(frames).first(4 * frameBytes),
                                   std::span<const double>(framePts).first(4));
            writer.writeVideoChunk(stream, std::span<const uint8_t>(frames).subspan(4 * frameBytes),
                                   std::span<const double>(framePts).subspan(4));
            writer.close();
        }
        const auto pts = probeFramePts(file);
        INFO(file);
        REQUIRE(pts.size() == ticks.size());
        for (size_t i = 0; i < ticks.size(); ++i)
        {
            INFO("frame " << i << ": " << pts[i] << " vs " << framePts[i]);
            CHECK(std::abs(pts[i] - framePts[i]) <= 0.0011);
        }
    }
}

TEST_CASE("Video: a first-frame pts moves the chunk, later chunks follow it", "[video][media]")
{
    REQUIRE(haveFfmpegTools());
    const TestDir dir;
    const fs::path file = dir.file("offset.mkv");
    const auto config = videoConfig({25, 1}, 64, 48, PixelFormat::yuv420p, "libx264");
    const auto frames = generateVideoFrames(config.format, 64, 48, 10);
    const auto frameBytes = size_t(bytesPerFrame(config.format, 64, 48));
    {
        StreamWriter writer(file.string());
        const int stream = writer.addVideoStream(config);
        writer.open();
        writer.writeVideoChunk(stream, std::span<const uint8_t>(frames).first(5 * frameBytes), 0.0);
        writer.writeVideoChunk(stream, std::span<const uint8_t>(frames).subspan(5 * frameBytes), 1.0); // gap
        writer.close();
    }
    const auto pts = probeFramePts(file);
    REQUIRE(pts.size() == 10);
    for (int i = 0; i < 10; ++i)
    {
        const double expected = i < 5 ? i / 25.0 : 1.0 + (i - 5) / 25.0;
        INFO("frame " << i);
        CHECK(pts[size_t(i)] == Approx(expected).margin(0.0011));
    }
}

TEST_CASE("Video: a png still at frame rate 1 gives back the exact pixels", "[video][media]")
{
    REQUIRE(haveFfmpegTools());
    const TestDir dir;
    const int width = 96, height = 128;
    const auto frame = generateVideoFrames(PixelFormat::rgb24, width, height, 1, 17);
    const fs::path file = dir.file("still.png");
    {
        StreamWriter writer(file.string());
        const int stream = writer.addVideoStream(videoConfig({1, 1}, width, height, PixelFormat::rgb24, "png"));
        writer.open();
        writer.writeVideoChunk(stream, frame);
        writer.close();
    }
    const auto stream = probeStream(file, "v:0");
    CHECK(stream.text("codec_name") == "png");
    CHECK(stream.integer("width") == width);
    CHECK(stream.integer("height") == height);
    CHECK(stream.text("pix_fmt") == "rgb24");
    CHECK(compareBytes(decodeVideoBytes(file, "rgb24"), frame) == "identical");
}

TEST_CASE("Video: square pixels are declared unless squarePixels is false", "[video][media]")
{
    REQUIRE(haveFfmpegTools());
    const TestDir dir;
    for (const bool square : {true, false})
    {
        for (const bool filtered : {false, true}) // the filter graph carries the aspect ratio too
        {
            auto config = videoConfig({30, 1}, 64, 48, PixelFormat::rgb24, "libx264");
            config.squarePixels = square;
            config.filterDesc = filtered ? "hflip" : "";
            const fs::path file = dir.file(std::string(square ? "square" : "unset") + (filtered ? "-f" : "") + ".mp4");
            writeVideoFile(file, config, 5);
            INFO(file);
            const auto stream = probeStream(file, "v:0");
            const std::string aspect = stream.has("sample_aspect_ratio") ? stream.text("sample_aspect_ratio") : "N/A";
            if (square)
                CHECK(aspect == "1:1");
            else
                CHECK((aspect == "N/A" || aspect == "0:1"));
            const auto bytes = readFileBytes(file);
            const std::string box = "pasp"; // mp4's pixel aspect box
            CHECK((std::search(bytes.begin(), bytes.end(), box.begin(), box.end()) != bytes.end()) == square);
        }
    }
}

TEST_CASE("Video: every input pixel format is accepted and encoded faithfully", "[video][media]")
{
    REQUIRE(haveFfmpegTools());
    const TestDir dir;
    const int width = 64, height = 48, numFrames = 6;
    for (const auto format :
         {PixelFormat::gray8, PixelFormat::rgb24, PixelFormat::bgr24, PixelFormat::rgba, PixelFormat::bgra,
          PixelFormat::rgb0, PixelFormat::yuv444p, PixelFormat::yuv420p, PixelFormat::nv12})
    {
        const std::string name(toString(format));
        INFO("input pixel format " << name);

        // Through the default encoder settings: accepted and the right number of frames.
        const fs::path file = dir.file(name + ".mp4");
        writeVideoFile(file, videoConfig({30, 1}, width, height, format, "libx264"), numFrames, 2);
        const auto stream = probeStream(file, "v:0", true);
        INFO(stream.describe());
        CHECK(stream.text("codec_name") == "h264");
        CHECK(stream.integer("width") == width);
        CHECK(stream.integer("height") == height);
        CHECK(stream.integer("nb_read_frames") == numFrames);

        // Losslessly (x264 qp 0 in 4:4:4) and decoded back to the input's own layout: only colour-conversion
        // rounding may differ. A swapped channel or a misread plane would differ by tens of levels.
        auto lossless = videoConfig({30, 1}, width, height, format, "libx264");
        lossless.encoderFormat = "yuv444p";
        lossless.encoderOptions = {{"qp", "0"}, {"preset", "ultrafast"}};
        const fs::path losslessFile = dir.file(name + "-lossless.mkv");
        writeVideoFile(losslessFile, lossless, numFrames);
        CHECK(probeStream(losslessFile, "v:0").text("pix_fmt") == "yuv444p");
        const std::string decodeAs = name == "gray8" ? "gray" : name;
        const auto decoded = decodeVideoBytes(losslessFile, decodeAs);
        const auto input = generateVideoFrames(format, width, height, numFrames);
        REQUIRE(decoded.size() == input.size());
        const bool padded = format == PixelFormat::rgb0;
        const double diff = meanAbsDiff(decoded, input, padded ? 4 : 0);
        INFO("mean absolute difference after the lossless round trip: " << diff);
        CHECK(diff < 2.5);
    }
}

TEST_CASE("Video: encoderWidth and encoderHeight scale the picture", "[video][media]")
{
    REQUIRE(haveFfmpegTools());
    const TestDir dir;
    auto config = videoConfig({30, 1}, 160, 120, PixelFormat::rgb24, "libx264");
    config.encoderWidth = 80;
    config.encoderHeight = 60;
    const fs::path file = dir.file("scaled.mp4");
    writeVideoFile(file, config, 10, 3);
    const auto stream = probeStream(file, "v:0", true);
    INFO(stream.describe());
    CHECK(stream.integer("width") == 80);
    CHECK(stream.integer("height") == 60);
    CHECK(stream.integer("nb_read_frames") == 10);

    // Upscaling too, and encoderFormat honoured.
    config.encoderWidth = 320;
    config.encoderHeight = 240;
    config.encoderFormat = "yuv444p";
    const fs::path up = dir.file("upscaled.mkv");
    writeVideoFile(up, config, 4);
    const auto upStream = probeStream(up, "v:0");
    CHECK(upStream.integer("width") == 320);
    CHECK(upStream.integer("height") == 240);
    CHECK(upStream.text("pix_fmt") == "yuv444p");
}

TEST_CASE("Video: audio and video interleave into mp4 and mkv with both streams the right length", "[video][media]")
{
    REQUIRE(haveFfmpegTools());
    const TestDir dir;
    const int sampleRate = 48000;
    const double seconds = 2.0;
    const int numFrames = 60; // 2 s at 30 fps
    SignalSpec spec;
    spec.numFrames = int64_t(seconds * sampleRate);
    const auto audio = AudioBuffer::generate(spec, SampleFormat::fltp);
    const auto frames = generateVideoFrames(PixelFormat::rgb24, 128, 96, numFrames);
    const auto frameBytes = size_t(bytesPerFrame(PixelFormat::rgb24, 128, 96));
    const double audioFrame = 1024.0 / sampleRate;

    for (const std::string extension : {"mp4", "mkv"})
    {
        const fs::path file = dir.file("av." + extension);
        {
            StreamWriter writer(file.string());
            AudioStreamConfig ac;
            ac.sampleRate = sampleRate;
            ac.numChannels = 2;
            ac.format = SampleFormat::fltp;
            ac.encoder = "aac";
            const int a = writer.addAudioStream(ac);
            const int v = writer.addVideoStream(videoConfig({30, 1}, 128, 96, PixelFormat::rgb24, "libx264"));
            writer.open();
            // As a recorder does: 1600 samples (one video frame's worth) of audio, then the frame.
            for (int i = 0; i < numFrames; ++i)
            {
                writer.writeAudioChunk(a, audio.chunk(int64_t(i) * 1600, 1600));
                writer.writeVideoChunk(v, std::span<const uint8_t>(frames).subspan(size_t(i) * frameBytes, frameBytes));
            }
            writer.close();
        }
        INFO(file);
        const auto counts = probeStreamCounts(file);
        CHECK(counts.at("audio") == 1);
        CHECK(counts.at("video") == 1);

        const auto video = probeStream(file, "v:0", true);
        INFO("video: " << video.describe());
        CHECK(video.integer("nb_read_frames") == numFrames);
        const auto pts = probeFramePts(file, "v:0");
        REQUIRE(pts.size() == size_t(numFrames));
        // 60 frames, 2 s from the first frame's start to the last one's end. Matroska has no priming field: like
        // the ffmpeg CLI, its muxer shifts every stream by AAC's 1024-sample priming, so video may start at 21 ms.
        CHECK(pts.back() - pts.front() + 1.0 / 30 == Approx(seconds).margin(0.0011));
        const double audioStart = probeStream(file, "a:0").number("start_time");
        INFO("video starts at " << pts.front() << " s, audio at " << audioStart << " s");
        CHECK(std::abs(pts.front() - audioStart) <= audioFrame);

        // The audio stream: what the ffmpeg CLI decodes includes AAC priming/padding, at most two frames more.
        const auto decoded = decodeAudio<float>(file);
        const double decodedSeconds = double(decoded.size() / 2) / sampleRate;
        INFO("decoded audio: " << decodedSeconds << " s");
        CHECK(decodedSeconds >= seconds - 1e-9);
        CHECK(decodedSeconds <= seconds + 2 * audioFrame);

        // The container's length: both streams end within one audio frame of 2 s.
        const auto format = probeFormat(file);
        INFO("format: " << format.describe());
        CHECK(format.number("duration") == Approx(seconds).margin(audioFrame));
        if (extension == "mp4")
        {
            const auto audioStream = probeStream(file, "a:0");
            INFO("audio: " << audioStream.describe());
            CHECK(audioStream.number("duration") == Approx(seconds).margin(audioFrame));
            CHECK(video.number("duration") == Approx(seconds).margin(1e-3));
        }
    }
}

namespace
{
/** Three writes of the same audio + video into mp4; returns how the later ones compare with the first. */
std::vector<std::string> writeThreeTimes(const TestDir& dir, int width, const Options& x264Options)
{
    const auto frames = generateVideoFrames(PixelFormat::yuv420p, width, 120, 60);
    SignalSpec spec;
    spec.numFrames = 96000;
    const auto audio = AudioBuffer::generate(spec, SampleFormat::flt);
    std::vector<uint8_t> first;
    std::vector<std::string> comparisons;
    for (int run = 0; run < 3; ++run)
    {
        const fs::path file = dir.file(std::to_string(width) + "-run" + std::to_string(run) + ".mp4");
        {
            StreamWriter writer(file.string());
            AudioStreamConfig ac;
            ac.sampleRate = 48000;
            ac.numChannels = 2;
            ac.encoder = "aac";
            const int a = writer.addAudioStream(ac);
            auto vc = videoConfig({30, 1}, width, 120, PixelFormat::yuv420p, "libx264");
            vc.encoderOptions = x264Options;
            const int v = writer.addVideoStream(vc);
            writer.open();
            writer.writeAudioChunk(a, audio.all());
            writer.writeVideoChunk(v, frames);
            writer.close();
        }
        if (run == 0)
            first = readFileBytes(file);
        else
            comparisons.push_back(compareBytes(readFileBytes(file), first));
    }
    return comparisons;
}
} // namespace

TEST_CASE("Video: libx264 turns the same frames into the same bytes every time", "[video][media][chunking]")
{
    // The chunking law needs a deterministic encoder. Debian 12's x264 is not, on AVX-512 machines (it reads
    // uninitialised memory there; the ffmpeg CLI's output changes with MALLOC_PERTURB_): StreamWriter runs its AVX2
    // code there by default. With default settings, the same frames must give the same bytes, whatever else the
    // process allocated in between.
    REQUIRE(haveFfmpegTools());
    const TestDir dir;
    for (const int width : {160, 192})
        for (const auto& comparison : writeThreeTimes(dir, width, {}))
        {
            INFO("width " << width);
            CHECK(comparison == "identical");
        }
}

TEST_CASE("Video: the sliced (threaded) conversion gives exactly the pictures of a one-thread swscale",
          "[video][media]")
{
    // StreamWriter converts on FFmpeg's automatic thread count; the pictures must not depend on it. The reference is
    // the ffmpeg CLI's scale filter on one thread with StreamWriter's flags, from the same rgb24 frames.
    REQUIRE(haveFfmpegTools());
    const TestDir dir;
    constexpr int width = 1280, height = 720, frames = 3;
    const auto rgb = generateVideoFrames(PixelFormat::rgb24, width, height, frames);
    const fs::path raw = dir.file("frames.rgb24");
    writeFileBytes(raw, rgb);
    for (const auto& [outWidth, outHeight] : {std::pair{width, height}, {640, 360}})
    {
        INFO(outWidth << "x" << outHeight);
        auto config = videoConfig({30, 1}, width, height, PixelFormat::rgb24, "rawvideo");
        config.encoderFormat = "yuv420p";
        config.encoderWidth = outWidth;
        config.encoderHeight = outHeight;
        const fs::path file = dir.file("sliced-" + std::to_string(outWidth) + ".nut");
        writeVideoFile(file, config, frames);
        const fs::path reference = dir.file("reference-" + std::to_string(outWidth) + ".yuv");
        runFfmpeg({"-f",
                   "rawvideo",
                   "-pix_fmt",
                   "rgb24",
                   "-video_size",
                   std::to_string(width) + "x" + std::to_string(height),
                   "-framerate",
                   "30",
                   "-i",
                   raw.string(),
                   "-filter_threads",
                   "1",
                   "-sws_flags",
                   "bicubic+accurate_rnd+full_chroma_int",
                   "-vf",
                   "scale=" + std::to_string(outWidth) + ":" + std::to_string(outHeight),
                   "-pix_fmt",
                   "yuv420p",
                   "-f",
                   "rawvideo",
                   reference.string()});
        const auto expected = readFileBytes(reference);
        const auto decoded = decodeVideoBytes(file, "yuv420p");
        CHECK(expected.size() == size_t(outWidth * outHeight * 3 / 2 * frames));
        CHECK(decoded == expected);
    }
}
