#include "DemoCommand.h"

#include "ArgumentParser.h"
#include "CommandSupport.h"

#include <capstan/media/MediaReader.h>
#include <capstan/media/MemorySink.h>
#include <capstan/media/StreamWriter.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <numbers>
#include <random>

namespace capstan::cli
{
namespace
{
namespace fs = std::filesystem;

/** A failed check: the example's row says what was expected and what came back. */
struct CheckFailed : std::runtime_error
{
    using std::runtime_error::runtime_error;
};

void expect(bool condition, const std::string& what)
{
    if (!condition)
        throw CheckFailed(what);
}

std::string str(double value, int decimals = 3)
{
    char text[64];
    std::snprintf(text, sizeof(text), "%.*f", decimals, value);
    return text;
}

// ---- signals -------------------------------------------------------------------------------------------------

/** Interleaved float: channel 0 a 440 Hz sine, channel 1 a chirp 100 Hz -> sampleRate/4, further channels noise. */
std::vector<float> makeAudio(int sampleRate, int numChannels, double seconds)
{
    const auto frames = size_t(std::llround(seconds * sampleRate));
    std::vector<float> samples(frames * size_t(numChannels));
    std::mt19937 random(1234);
    std::uniform_real_distribution<float> noise(-0.3f, 0.3f);
    const double f0 = 100.0, f1 = sampleRate / 4.0;
    for (size_t i = 0; i < frames; ++i)
    {
        const double t = double(i) / sampleRate;
        const double chirpPhase = 2.0 * std::numbers::pi * (f0 * t + (f1 - f0) * t * t / (2.0 * seconds));
        for (int c = 0; c < numChannels; ++c)
        {
            float value = 0.0f;
            if (c == 0)
                value = float(0.5 * std::sin(2.0 * std::numbers::pi * 440.0 * t));
            else if (c == 1)
                value = float(0.5 * std::sin(chirpPhase));
            else
                value = noise(random);
            samples[i * size_t(numChannels) + size_t(c)] = value;
        }
    }
    return samples;
}

/** rgb24 frames of a gradient that moves one step per frame, so every frame differs. */
std::vector<uint8_t> makeGradientVideo(int width, int height, int numFrames)
{
    std::vector<uint8_t> frames(size_t(width) * size_t(height) * 3 * size_t(numFrames));
    size_t i = 0;
    for (int f = 0; f < numFrames; ++f)
        for (int y = 0; y < height; ++y)
            for (int x = 0; x < width; ++x)
            {
                frames[i++] = uint8_t((x * 255 / std::max(1, width - 1) + f * 4) & 0xff);
                frames[i++] = uint8_t(y * 255 / std::max(1, height - 1));
                frames[i++] = uint8_t(((x + y) / 2 + f * 8) & 0xff);
            }
    return frames;
}

/** One rgb24 frame of eight vertical colour bars (white, yellow, cyan, green, magenta, red, blue, black). */
std::vector<uint8_t> makeTestPattern(int width, int height)
{
    static const uint8_t bars[8][3] = {{255, 255, 255}, {255, 255, 0}, {0, 255, 255}, {0, 255, 0},
                                       {255, 0, 255},   {255, 0, 0},   {0, 0, 255},   {0, 0, 0}};
    std::vector<uint8_t> frame(size_t(width) * size_t(height) * 3);
    for (int y = 0; y < height; ++y)
        for (int x = 0; x < width; ++x)
            for (int c = 0; c < 3; ++c)
                frame[(size_t(y) * size_t(width) + size_t(x)) * 3 + size_t(c)] = bars[x * 8 / width][c];
    return frame;
}

// ---- decoding back -------------------------------------------------------------------------------------------

struct DecodedAudio
{
    MediaStreamInfo info;
    std::vector<float> samples; // interleaved
    int64_t frames = 0;
};

DecodedAudio decodeAudio(const std::string& path)
{
    MediaReader reader(path);
    const int index = reader.bestAudioStream();
    expect(index >= 0, "no audio stream in the output");
    DecodedAudio out;
    out.info = reader.streams()[size_t(index)];
    reader.selectAudio(index, {.format = SampleFormat::flt});
    while (auto chunk = reader.readAudio(65536))
    {
        const auto* data = reinterpret_cast<const float*>(chunk->planes[0].data());
        out.samples.insert(out.samples.end(), data, data + chunk->numFrames * chunk->numChannels);
        out.frames += chunk->numFrames;
    }
    return out;
}

struct DecodedVideo
{
    MediaStreamInfo info;
    std::vector<VideoFrame> frames;
};

DecodedVideo decodeVideo(const std::string& path, PixelFormat format = PixelFormat::rgb24)
{
    MediaReader reader(path);
    const int index = reader.bestVideoStream();
    expect(index >= 0, "no video stream in the output");
    DecodedVideo out;
    out.info = reader.streams()[size_t(index)];
    reader.selectVideo(index, {.format = format});
    while (auto frame = reader.readVideoFrame())
        out.frames.push_back(std::move(*frame));
    return out;
}

void expectFrameTimes(const DecodedVideo& video, int expectedFrames, Rational rate)
{
    expect(int(video.frames.size()) == expectedFrames,
           "expected " + std::to_string(expectedFrames) + " frames, decoded " + std::to_string(video.frames.size()));
    for (size_t i = 0; i < video.frames.size(); ++i)
    {
        const double expected = double(i) * rate.den / rate.num;
        expect(std::abs(video.frames[i].pts - expected) < 1e-3, "frame " + std::to_string(i) + " at " +
                                                                    str(video.frames[i].pts, 4) + " s, expected " +
                                                                    str(expected, 4));
    }
}

void writeFile(const fs::path& path, const std::vector<uint8_t>& bytes)
{
    std::ofstream file(path, std::ios::binary);
    file.write(reinterpret_cast<const char*>(bytes.data()), std::streamsize(bytes.size()));
    if (!file)
        throw Error("cannot write '" + path.string() + "'");
}

// ---- the examples ----------------------------------------------------------------------------------------------

struct Example
{
    std::string name;
    std::string file;
    std::function<std::string(const fs::path&)> run; // writes the file, checks it, returns what was checked
};

std::string wavExample(const fs::path& path)
{
    const int rate = 8000, channels = 2;
    const auto samples = makeAudio(rate, channels, 3.0);
    StreamWriter writer(path.string());
    const int s = writer.addAudioStream({.sampleRate = rate, .numChannels = channels, .format = SampleFormat::flt});
    writer.open();
    writer.writeAudioChunk(s, std::span<const float>(samples));
    writer.close();

    const auto decoded = decodeAudio(path.string());
    expect(decoded.info.sampleRate == rate, "sample rate " + std::to_string(decoded.info.sampleRate));
    expect(decoded.info.numChannels == channels, "channels " + std::to_string(decoded.info.numChannels));
    expect(decoded.samples.size() == samples.size(),
           "decoded " + std::to_string(decoded.frames) + " frames, wrote " + std::to_string(samples.size() / 2));
    double maxError = 0.0;
    for (size_t i = 0; i < samples.size(); ++i)
        maxError = std::max(maxError, double(std::abs(samples[i] - decoded.samples[i])));
    expect(maxError <= 1.0 / 32768.0, "samples differ by up to " + str(maxError, 6));
    return "8000 Hz, 2 ch, " + std::to_string(decoded.frames) + " frames, max error " + str(maxError, 6);
}

std::string mp3MemoryExample(const fs::path& path)
{
    const int rate = 44100, channels = 2;
    const auto samples = makeAudio(rate, channels, 3.0);
    const AudioStreamConfig config{
        .sampleRate = rate, .numChannels = channels, .format = SampleFormat::flt, .encoder = "libmp3lame"};

    MemorySink whole;
    {
        StreamWriter writer(whole, "mp3");
        const int s = writer.addAudioStream(config);
        writer.open();
        writer.writeAudioChunk(s, std::span<const float>(samples));
        writer.close();
    }
    MemorySink chunked;
    {
        StreamWriter writer(chunked, "mp3");
        const int s = writer.addAudioStream(config);
        writer.open();
        const size_t step = size_t(rate) * channels; // one second
        for (size_t i = 0; i < samples.size(); i += step)
            writer.writeAudioChunk(s, std::span<const float>(samples).subspan(i, std::min(step, samples.size() - i)));
        writer.close();
    }
    expect(!whole.bytes().empty(), "nothing was written to memory");
    expect(whole.bytes() == chunked.bytes(), "at once: " + std::to_string(whole.bytes().size()) +
                                                 " bytes, in 1 s chunks: " + std::to_string(chunked.bytes().size()) +
                                                 " bytes, contents differ");
    writeFile(path, whole.bytes());

    const auto decoded = decodeAudio(path.string());
    const int64_t written = int64_t(samples.size() / channels);
    expect(decoded.info.sampleRate == rate && decoded.info.numChannels == channels,
           "decoded " + std::to_string(decoded.info.sampleRate) + " Hz, " + std::to_string(decoded.info.numChannels) +
               " ch");
    // The mp3 decoder trims the encoder delay and padding that LAME's header declares; allow one frame either way.
    expect(std::abs(decoded.frames - written) <= 1152,
           "decoded " + std::to_string(decoded.frames) + " frames, wrote " + std::to_string(written));
    return "at once == 1 s chunks (" + std::to_string(whole.bytes().size()) + " B), " + std::to_string(decoded.frames) +
           "/" + std::to_string(written) + " frames";
}

std::string stillImageExample(const fs::path& path)
{
    const int width = 96, height = 128;
    const auto frame = makeTestPattern(width, height);
    StreamWriter writer(path.string());
    const int s = writer.addVideoStream(
        {.frameRate = {1, 1}, .width = width, .height = height, .format = PixelFormat::rgb24, .encoder = "png"});
    writer.open();
    writer.writeVideoChunk(s, frame);
    writer.close();

    const auto decoded = decodeVideo(path.string());
    expect(decoded.frames.size() == 1, "decoded " + std::to_string(decoded.frames.size()) + " images");
    expect(decoded.info.width == width && decoded.info.height == height,
           "decoded " + std::to_string(decoded.info.width) + "x" + std::to_string(decoded.info.height));
    expect(decoded.frames[0].data == frame, "pixels differ from what was written");
    return "96x128 rgb24, pixels identical";
}

std::string videoExample(const fs::path& path)
{
    const int width = 320, height = 240, numFrames = 90;
    const Rational rate{30, 1};
    const auto frames = makeGradientVideo(width, height, numFrames);
    StreamWriter writer(path.string());
    const int s = writer.addVideoStream(
        {.frameRate = rate, .width = width, .height = height, .format = PixelFormat::rgb24, .encoder = "libx264"});
    writer.open();
    writer.writeVideoChunk(s, frames);
    writer.close();

    const auto decoded = decodeVideo(path.string());
    expectFrameTimes(decoded, numFrames, rate);
    expect(decoded.info.duration && std::abs(*decoded.info.duration - 3.0) < 1e-3,
           "duration " + (decoded.info.duration ? str(*decoded.info.duration) : std::string("unknown")));
    expect(decoded.info.codec == "h264", "codec " + decoded.info.codec);
    return "h264 320x240, 90 frames at i/30 s, " + str(*decoded.info.duration, 2) + " s";
}

std::string videoWithAudioExample(const fs::path& path)
{
    const int width = 320, height = 240, numFrames = 90, sampleRate = 48000, channels = 2;
    const Rational rate{30, 1};
    const auto frames = makeGradientVideo(width, height, numFrames);
    const auto samples = makeAudio(sampleRate, channels, 3.0);
    StreamWriter writer(path.string());
    const int a = writer.addAudioStream(
        {.sampleRate = sampleRate, .numChannels = channels, .format = SampleFormat::flt, .encoder = "aac"});
    const int v = writer.addVideoStream(
        {.frameRate = rate, .width = width, .height = height, .format = PixelFormat::rgb24, .encoder = "libx264"});
    writer.open();
    // Interleave as a live source would: one video frame, then its 1/30 s of audio.
    const size_t frameBytes = size_t(width) * height * 3, audioPerFrame = size_t(sampleRate / 30) * channels;
    for (int f = 0; f < numFrames; ++f)
    {
        writer.writeVideoChunk(v, std::span<const uint8_t>(frames).subspan(size_t(f) * frameBytes, frameBytes));
        writer.writeAudioChunk(a, std::span<const float>(samples).subspan(size_t(f) * audioPerFrame, audioPerFrame));
    }
    writer.close();

    const auto video = decodeVideo(path.string());
    expectFrameTimes(video, numFrames, rate);
    MediaReader reader(path.string());
    const int audioIndex = reader.bestAudioStream();
    expect(audioIndex >= 0, "no audio stream");
    const auto& audio = reader.streams()[size_t(audioIndex)];
    expect(audio.codec == "aac", "audio codec " + audio.codec);
    expect(audio.sampleRate == sampleRate && audio.numChannels == channels,
           "audio " + std::to_string(audio.sampleRate) + " Hz, " + std::to_string(audio.numChannels) + " ch");
    // MP4 declares AAC's exact length in its edit list; decoders still return the padded frames (DESIGN.md).
    expect(audio.duration && std::abs(*audio.duration - 3.0) < 0.025,
           "audio duration " + (audio.duration ? str(*audio.duration) : std::string("unknown")));
    return "h264 90 frames + aac 48 kHz 2 ch, audio " + str(*audio.duration) + " s";
}

std::string yuv422MovExample(const fs::path& path)
{
    const int width = 320, height = 240, numFrames = 60;
    const Rational rate{30, 1};
    const auto frames = makeGradientVideo(width, height, numFrames);
    StreamWriter writer(path.string());
    const int s = writer.addVideoStream({.frameRate = rate,
                                         .width = width,
                                         .height = height,
                                         .format = PixelFormat::rgb24,
                                         .encoder = "libx264",
                                         .encoderFormat = "yuv422p"});
    writer.open();
    writer.writeVideoChunk(s, frames);
    writer.close();

    const auto decoded = decodeVideo(path.string());
    expect(decoded.info.pixelFormat == "yuv422p", "pixel format " + decoded.info.pixelFormat);
    expectFrameTimes(decoded, numFrames, rate);
    return "h264 yuv422p, 60 frames";
}

std::string bgr24Example(const fs::path& path)
{
    // Left half red, right half blue, given in bgr24 byte order: swapped channels would show as blue/red.
    const int width = 160, height = 120, numFrames = 30;
    std::vector<uint8_t> frames(size_t(width) * height * 3 * numFrames);
    for (size_t p = 0; p < frames.size() / 3; ++p)
    {
        const bool left = int(p % size_t(width)) < width / 2;
        frames[p * 3 + 0] = left ? 0 : 255; // B
        frames[p * 3 + 1] = 0;              // G
        frames[p * 3 + 2] = left ? 255 : 0; // R
    }
    StreamWriter writer(path.string());
    const int s = writer.addVideoStream(
        {.frameRate = {30, 1}, .width = width, .height = height, .format = PixelFormat::bgr24, .encoder = "libx264"});
    writer.open();
    writer.writeVideoChunk(s, frames);
    writer.close();

    const auto decoded = decodeVideo(path.string(), PixelFormat::rgb24);
    expectFrameTimes(decoded, numFrames, {30, 1});
    // Mean colour of the middle of each half of the last frame, read back as rgb24.
    const auto& f = decoded.frames.back().data;
    const auto mean = [&](int x0, int channel)
    {
        double sum = 0;
        int count = 0;
        for (int y = height / 4; y < 3 * height / 4; ++y)
            for (int x = x0; x < x0 + width / 4; ++x, ++count)
                sum += f[(size_t(y) * width + size_t(x)) * 3 + size_t(channel)];
        return sum / count;
    };
    const double leftR = mean(width / 8, 0), leftB = mean(width / 8, 2);
    const double rightR = mean(5 * width / 8, 0), rightB = mean(5 * width / 8, 2);
    expect(leftR > 200 && leftB < 60 && rightB > 200 && rightR < 60, "colours wrong: left R " + str(leftR, 0) + " B " +
                                                                         str(leftB, 0) + ", right R " + str(rightR, 0) +
                                                                         " B " + str(rightB, 0));
    return "30 frames, red/blue halves kept (R " + str(leftR, 0) + ", B " + str(rightB, 0) + ")";
}
} // namespace

int runDemoCommand(const std::vector<std::string>& args)
{
    ArgumentParser parser("capstan demo",
                          "Write the StreamWriter tutorial's examples into DIR with generated signals (sine, chirp, "
                          "noise; moving gradient, colour bars), decode each back and check it. Prints a table; the "
                          "exit code is 1 if any check fails.");
    parser.positional("DIR", "folder for the outputs (created if missing)");
    addVerboseFlag(parser);
    const auto parsed = parseCommandLine(parser, args);
    if (!parsed)
        return 0; // --help was printed
    const ParsedArguments& arguments = *parsed;

    const fs::path dir = arguments.positional("DIR");
    std::error_code error;
    fs::create_directories(dir, error);
    if (error || !fs::is_directory(dir))
        throw Error("cannot create the folder '" + dir.string() + "': " + error.message());

    const std::vector<Example> examples = {
        {"a) WAV 8 kHz stereo", "a_wav_8k_stereo.wav", wavExample},
        {"b) MP3 to memory, 1 s chunks", "b_memory.mp3", mp3MemoryExample},
        {"c) PNG still image", "c_still.png", stillImageExample},
        {"d) MP4 video 3 s 30 fps", "d_video.mp4", videoExample},
        {"e) MP4 video + audio", "e_video_audio.mp4", videoWithAudioExample},
        {"f) MOV yuv422p (libx264)", "f_yuv422p.mov", yuv422MovExample},
        {"g) bgr24 input", "g_bgr24.mp4", bgr24Example},
    };

    int failures = 0;
    std::printf("%-31s %-21s %10s  %s\n", "EXAMPLE", "FILE", "SIZE", "CHECK");
    for (const auto& example : examples)
    {
        const fs::path path = dir / example.file;
        std::string result;
        try
        {
            fs::remove(path, error);
            result = "ok: " + example.run(path);
        }
        catch (const std::exception& e)
        {
            result = std::string("FAIL: ") + e.what();
            ++failures;
        }
        const auto size = fs::exists(path, error) ? formatBytes(int64_t(fs::file_size(path, error))) : "-";
        std::printf("%-31s %-21s %10s  %s\n", example.name.c_str(), example.file.c_str(), size.c_str(), result.c_str());
        std::fflush(stdout);
    }
    if (failures > 0)
        throw Error(std::to_string(failures) + " of " + std::to_string(examples.size()) +
                    " demo examples failed their checks (see the table above)");
    std::printf("all %zu examples written to %s and checked\n", examples.size(), dir.string().c_str());
    return 0;
}

} // namespace capstan::cli
