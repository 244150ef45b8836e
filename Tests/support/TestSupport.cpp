#include "TestSupport.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstring>
#include <fstream>
#include <numbers>
#include <sstream>
#include <stdexcept>
#include <thread>

#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

#ifndef CAPSTAN_TEST_OUTPUT_DIR
#define CAPSTAN_TEST_OUTPUT_DIR "test-output"
#endif

namespace capstan::test
{

// ---------------------------------------------------------------------------------------------------------------
// Files and folders

std::string currentTestFileName()
{
    std::string name = Catch::getResultCapture().getCurrentTestName();
    for (auto& c : name)
        if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.'))
            c = '_';
    return name.empty() ? std::string("unnamed") : name;
}

static fs::path makeFreshDir(const fs::path& dir)
{
    std::error_code ignored;
    fs::remove_all(dir, ignored);
    fs::create_directories(dir);
    return dir;
}

TestDir::TestDir() : dir(makeFreshDir(fs::path(CAPSTAN_TEST_OUTPUT_DIR) / currentTestFileName())) {}

TestDir::TestDir(const std::string& subName)
    : dir(makeFreshDir(fs::path(CAPSTAN_TEST_OUTPUT_DIR) / currentTestFileName() / subName))
{
}

std::vector<uint8_t> readFileBytes(const fs::path& file)
{
    std::ifstream in(file, std::ios::binary);
    if (!in)
        throw std::runtime_error("cannot read " + file.string());
    return std::vector<uint8_t>(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

std::string compareBytes(std::span<const uint8_t> actual, std::span<const uint8_t> expected)
{
    const size_t common = std::min(actual.size(), expected.size());
    const auto mismatch = std::mismatch(actual.begin(), actual.begin() + long(common), expected.begin());
    const size_t first = size_t(mismatch.first - actual.begin());
    if (first == common && actual.size() == expected.size())
        return "identical";
    size_t differing = 0;
    for (size_t i = 0; i < common; ++i)
        differing += actual[i] != expected[i] ? 1 : 0;
    return "differ: " + std::to_string(actual.size()) + " vs " + std::to_string(expected.size()) +
           " bytes, first difference at byte " + std::to_string(first) + ", " + std::to_string(differing) +
           " of the first " + std::to_string(common) + " bytes differ";
}

std::string readFileText(const fs::path& file)
{
    std::error_code error;
    if (!fs::exists(file, error))
        return {};
    const auto bytes = readFileBytes(file);
    return std::string(reinterpret_cast<const char*>(bytes.data()), bytes.size());
}

void writeFileBytes(const fs::path& file, std::span<const uint8_t> bytes)
{
    std::ofstream out(file, std::ios::binary);
    out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
    if (!out)
        throw std::runtime_error("cannot write " + file.string());
}

// ---------------------------------------------------------------------------------------------------------------
// Audio signals

namespace
{
/** xorshift32: tiny, deterministic on every platform. */
struct Noise
{
    uint32_t state;
    explicit Noise(uint32_t seed) : state(seed == 0 ? 0x9e3779b9u : seed) {}
    double next() // uniform in [-1, 1)
    {
        state ^= state << 13;
        state ^= state >> 17;
        state ^= state << 5;
        return double(state) / 2147483648.0 - 1.0;
    }
};

template <typename T>
T quantise(double x)
{
    x = std::clamp(x, -1.0, 1.0);
    if constexpr (std::is_same_v<T, uint8_t>)
        return static_cast<uint8_t>(std::lround(x * 127.0) + 128);
    else if constexpr (std::is_same_v<T, int16_t>)
        return static_cast<int16_t>(std::lround(x * 32767.0));
    else if constexpr (std::is_same_v<T, int32_t>)
        return static_cast<int32_t>(std::llround(x * 2147483647.0));
    else if constexpr (std::is_same_v<T, int64_t>)
        return static_cast<int64_t>(std::llround(static_cast<long double>(x) * 9223372036854775807.0L * 0.999999L));
    else
        return static_cast<T>(x);
}

template <typename T>
double toUnit(T v)
{
    if constexpr (std::is_same_v<T, uint8_t>)
        return (double(v) - 128.0) / 128.0;
    else if constexpr (std::is_same_v<T, int16_t>)
        return double(v) / 32768.0;
    else if constexpr (std::is_same_v<T, int32_t>)
        return double(v) / 2147483648.0;
    else if constexpr (std::is_same_v<T, int64_t>)
        return double(static_cast<long double>(v) / 9223372036854775808.0L);
    else
        return double(v);
}

/** Calls f(T{}) with the element type of a sample format. */
template <typename F>
decltype(auto) withSampleType(SampleFormat format, F&& f)
{
    switch (toInterleaved(format))
    {
    case SampleFormat::u8:
        return f(uint8_t{});
    case SampleFormat::s16:
        return f(int16_t{});
    case SampleFormat::s32:
        return f(int32_t{});
    case SampleFormat::s64:
        return f(int64_t{});
    case SampleFormat::flt:
        return f(float{});
    default:
        return f(double{});
    }
}
} // namespace

std::vector<double> generateSignal(const SignalSpec& spec)
{
    const int channels = spec.numChannels;
    std::vector<double> out(size_t(spec.numFrames) * size_t(std::max(channels, 0)));
    const double rate = spec.sampleRate;
    const double twoPi = 2.0 * std::numbers::pi;

    for (int c = 0; c < channels; ++c)
    {
        Noise noise(spec.seed * 7919u + uint32_t(c) * 104729u + 1u);
        const double duration = std::max(1.0, double(spec.numFrames)) / rate;
        const double f0 = spec.frequency;
        const double f1 = rate / 4.0;
        for (int64_t i = 0; i < spec.numFrames; ++i)
        {
            const double t = double(i) / rate;
            double v = 0.0;
            switch (spec.waveform)
            {
            case Waveform::sine:
                v = std::sin(twoPi * f0 * (c + 1) * t);
                break;
            case Waveform::chirp:
            {
                const double tc = std::max(0.0, t - c * 0.001);
                v = std::sin(twoPi * (f0 * tc + (f1 - f0) * tc * tc / (2.0 * duration)));
                break;
            }
            case Waveform::noise:
                v = noise.next();
                break;
            }
            out[size_t(i) * size_t(channels) + size_t(c)] = spec.amplitude * v;
        }
    }
    return out;
}

AudioBuffer::AudioBuffer(SampleFormat format, int numChannels, int64_t numFrames)
    : sampleFormat(format), channels(numChannels), frames(numFrames)
{
    const bool planar = isPlanar(format);
    const size_t planeSamples = size_t(numFrames) * size_t(planar ? 1 : numChannels);
    const uint8_t silence = toInterleaved(format) == SampleFormat::u8 ? 0x80 : 0;
    planes.assign(planar ? size_t(numChannels) : 1u,
                  std::vector<uint8_t>(planeSamples * size_t(bytesPerSample(format)), silence));
}

AudioBuffer AudioBuffer::fromSignal(std::span<const double> interleaved, int numChannels, SampleFormat format)
{
    const int64_t numFrames = int64_t(interleaved.size()) / numChannels;
    AudioBuffer buffer(format, numChannels, numFrames);
    withSampleType(format,
                   [&](auto zero)
                   {
                       using T = decltype(zero);
                       for (int c = 0; c < numChannels; ++c)
                       {
                           T* dest = buffer.plane<T>(isPlanar(format) ? c : 0);
                           const int64_t step = isPlanar(format) ? 1 : numChannels;
                           const int64_t offset = isPlanar(format) ? 0 : c;
                           for (int64_t i = 0; i < numFrames; ++i)
                               dest[i * step + offset] = quantise<T>(interleaved[size_t(i * numChannels + c)]);
                       }
                   });
    return buffer;
}

AudioBuffer AudioBuffer::generate(const SignalSpec& spec, SampleFormat format)
{
    return fromSignal(generateSignal(spec), spec.numChannels, format);
}

AudioBuffer::Chunk AudioBuffer::chunk(int64_t start, int64_t count) const
{
    if (start < 0 || count < 0 || start + count > frames)
        throw std::out_of_range("AudioBuffer::chunk: frames out of range");
    Chunk result;
    const size_t bytesPerFrame = size_t(bytesPerSample(sampleFormat)) * size_t(isPlanar(sampleFormat) ? 1 : channels);
    for (const auto& p : planes)
        result.pointers.push_back(p.data() + size_t(start) * bytesPerFrame);
    result.audioData = AudioData{sampleFormat, result.pointers.data(), int(result.pointers.size()), count};
    return result;
}

AudioBuffer AudioBuffer::withLayout(bool planar) const
{
    const SampleFormat target = planar ? toPlanar(sampleFormat) : toInterleaved(sampleFormat);
    AudioBuffer out(target, channels, frames);
    const size_t bps = size_t(bytesPerSample(sampleFormat));
    for (int c = 0; c < channels; ++c)
        for (int64_t i = 0; i < frames; ++i)
        {
            const uint8_t* src = isPlanar(sampleFormat)
                                     ? planeData(c) + size_t(i) * bps
                                     : planeData(0) + (size_t(i) * size_t(channels) + size_t(c)) * bps;
            uint8_t* dst = planar ? out.planeData(c) + size_t(i) * bps
                                  : out.planeData(0) + (size_t(i) * size_t(channels) + size_t(c)) * bps;
            std::memcpy(dst, src, bps);
        }
    return out;
}

std::vector<uint8_t> AudioBuffer::interleavedBytes() const
{
    if (!isPlanar(sampleFormat))
        return planes[0];
    return withLayout(false).planes[0];
}

double AudioBuffer::sample(int channel, int64_t frame) const
{
    return withSampleType(sampleFormat,
                          [&](auto zero) -> double
                          {
                              using T = decltype(zero);
                              if (isPlanar(sampleFormat))
                                  return toUnit(plane<T>(channel)[frame]);
                              return toUnit(plane<T>(0)[frame * channels + channel]);
                          });
}

void writeAudioInChunks(StreamWriter& writer, int stream, const AudioBuffer& buffer, int64_t chunkFrames,
                        std::optional<int> ptsSampleRate)
{
    const int64_t total = buffer.numFrames();
    const int64_t step = chunkFrames <= 0 ? std::max<int64_t>(total, 1) : chunkFrames;
    for (int64_t start = 0; start < total; start += step)
    {
        const int64_t count = std::min(step, total - start);
        std::optional<double> pts;
        if (ptsSampleRate)
            pts = double(start) / double(*ptsSampleRate);
        writer.writeAudioChunk(stream, buffer.chunk(start, count), pts);
    }
}

double rms(std::span<const float> samples)
{
    if (samples.empty())
        return 0.0;
    double sum = 0.0;
    for (float s : samples)
        sum += double(s) * double(s);
    return std::sqrt(sum / double(samples.size()));
}

double rms(std::span<const float> interleaved, int numChannels, int channel)
{
    const size_t frames = interleaved.size() / size_t(numChannels);
    if (frames == 0)
        return 0.0;
    double sum = 0.0;
    for (size_t i = 0; i < frames; ++i)
    {
        const double s = interleaved[i * size_t(numChannels) + size_t(channel)];
        sum += s * s;
    }
    return std::sqrt(sum / double(frames));
}

// ---------------------------------------------------------------------------------------------------------------
// Video frames

namespace
{
uint8_t hashNoise(uint32_t x, uint32_t y, uint32_t t)
{
    uint32_t h = x * 0x9E3779B1u ^ (y + 0x7F4A7C15u) * 0x85EBCA77u ^ (t + 1u) * 0xC2B2AE3Du;
    h ^= h >> 15;
    h *= 0x2C1B3C6Du;
    h ^= h >> 12;
    return uint8_t(h & 0x0F); // 0..15: a light texture on top of the pattern
}

struct Rgb
{
    uint8_t r, g, b;
};

/** The picture, in RGB terms: scrolling gradients, a travelling box, a little noise. */
Rgb patternRgb(int x, int y, int t, int width, int height)
{
    const int boxSize = std::max(2, std::min(width, height) / 4);
    const int boxX = (t * 3) % std::max(1, width);
    const int boxY = (t * 2) % std::max(1, height);
    const bool inBox = x >= boxX && x < boxX + boxSize && y >= boxY && y < boxY + boxSize;
    const uint8_t n = hashNoise(uint32_t(x), uint32_t(y), uint32_t(t));
    if (inBox)
        return {uint8_t(240 - n), uint8_t(240 - n), uint8_t(32 + n)};
    return {uint8_t((x * 200 / std::max(1, width) + t * 4 + n) & 0xFF),
            uint8_t((y * 200 / std::max(1, height) + t * 2 + n) & 0xFF), uint8_t(((x + y) * 2 + t + n) & 0xFF)};
}

/** The same kind of picture made directly in YUV terms (a pattern, not a colour conversion). */
uint8_t patternLuma(int x, int y, int t, int width, int height)
{
    const Rgb p = patternRgb(x, y, t, width, height);
    return uint8_t(16 + (int(p.r) + 2 * int(p.g) + int(p.b)) * 219 / (4 * 255));
}

uint8_t patternChroma(int x, int y, int t, int width, int height, bool v)
{
    // x, y are chroma-plane coordinates scaled to the full picture by the caller.
    const Rgb p = patternRgb(x, y, t, width, height);
    return uint8_t(16 + (v ? p.r : p.b) * 224 / 255);
}
} // namespace

std::vector<uint8_t> generateVideoFrames(PixelFormat format, int width, int height, int numFrames, int firstFrame)
{
    const int64_t frameBytes = bytesPerFrame(format, width, height);
    if (frameBytes <= 0)
        throw std::invalid_argument("generateVideoFrames: bad size");
    std::vector<uint8_t> out(size_t(frameBytes) * size_t(numFrames));
    const int chromaWidth = (width + 1) / 2;
    const int chromaHeight = (height + 1) / 2;

    for (int f = 0; f < numFrames; ++f)
    {
        const int t = firstFrame + f;
        uint8_t* frame = out.data() + size_t(f) * size_t(frameBytes);
        switch (format)
        {
        case PixelFormat::gray8:
            for (int y = 0; y < height; ++y)
                for (int x = 0; x < width; ++x)
                    frame[y * width + x] = patternLuma(x, y, t, width, height);
            break;
        case PixelFormat::rgb24:
        case PixelFormat::bgr24:
        case PixelFormat::rgba:
        case PixelFormat::bgra:
        case PixelFormat::rgb0:
        {
            const int bpp = (format == PixelFormat::rgb24 || format == PixelFormat::bgr24) ? 3 : 4;
            const bool bgr = format == PixelFormat::bgr24 || format == PixelFormat::bgra;
            for (int y = 0; y < height; ++y)
                for (int x = 0; x < width; ++x)
                {
                    const Rgb p = patternRgb(x, y, t, width, height);
                    uint8_t* px = frame + (size_t(y) * size_t(width) + size_t(x)) * size_t(bpp);
                    px[0] = bgr ? p.b : p.r;
                    px[1] = p.g;
                    px[2] = bgr ? p.r : p.b;
                    if (bpp == 4)
                        px[3] = format == PixelFormat::rgb0 ? 0 : 255;
                }
            break;
        }
        case PixelFormat::yuv444p:
            for (int plane = 0; plane < 3; ++plane)
                for (int y = 0; y < height; ++y)
                    for (int x = 0; x < width; ++x)
                        frame[size_t(plane) * size_t(width) * size_t(height) + size_t(y) * size_t(width) + size_t(x)] =
                            plane == 0 ? patternLuma(x, y, t, width, height)
                                       : patternChroma(x, y, t, width, height, plane == 2);
            break;
        case PixelFormat::yuv420p:
        case PixelFormat::nv12:
        {
            for (int y = 0; y < height; ++y)
                for (int x = 0; x < width; ++x)
                    frame[size_t(y) * size_t(width) + size_t(x)] = patternLuma(x, y, t, width, height);
            uint8_t* chroma = frame + size_t(width) * size_t(height);
            const size_t chromaPlane = size_t(chromaWidth) * size_t(chromaHeight);
            for (int y = 0; y < chromaHeight; ++y)
                for (int x = 0; x < chromaWidth; ++x)
                {
                    const uint8_t u = patternChroma(x * 2, y * 2, t, width, height, false);
                    const uint8_t v = patternChroma(x * 2, y * 2, t, width, height, true);
                    const size_t i = size_t(y) * size_t(chromaWidth) + size_t(x);
                    if (format == PixelFormat::yuv420p)
                    {
                        chroma[i] = u;
                        chroma[chromaPlane + i] = v;
                    }
                    else
                    {
                        chroma[2 * i] = u;
                        chroma[2 * i + 1] = v;
                    }
                }
            break;
        }
        }
    }
    return out;
}

void writeVideoInChunks(StreamWriter& writer, int stream, std::span<const uint8_t> frames, int64_t frameBytes,
                        int64_t chunkFrames)
{
    const int64_t total = int64_t(frames.size()) / frameBytes;
    const int64_t step = chunkFrames <= 0 ? std::max<int64_t>(total, 1) : chunkFrames;
    for (int64_t start = 0; start < total; start += step)
    {
        const int64_t count = std::min(step, total - start);
        writer.writeVideoChunk(stream, frames.subspan(size_t(start * frameBytes), size_t(count * frameBytes)));
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Subprocesses

ProcessResult runProcess(const std::vector<std::string>& argv)
{
    ProcessResult result;
    if (argv.empty())
        return result;

    int outPipe[2], errPipe[2];
    if (pipe2(outPipe, O_CLOEXEC) != 0)
        throw std::runtime_error("pipe failed");
    if (pipe2(errPipe, O_CLOEXEC) != 0)
    {
        close(outPipe[0]);
        close(outPipe[1]);
        throw std::runtime_error("pipe failed");
    }

    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&actions, outPipe[1], STDOUT_FILENO);
    posix_spawn_file_actions_adddup2(&actions, errPipe[1], STDERR_FILENO);

    std::vector<char*> args;
    for (const auto& a : argv)
        args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);

    pid_t pid = 0;
    const int spawnError = posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    close(outPipe[1]);
    close(errPipe[1]);
    if (spawnError != 0)
    {
        close(outPipe[0]);
        close(errPipe[0]);
        result.err = "cannot start " + argv[0] + ": " + std::strerror(spawnError);
        return result;
    }

    // Read both pipes together: a child blocked on a full stderr pipe would otherwise never finish stdout.
    pollfd fds[2] = {{outPipe[0], POLLIN, 0}, {errPipe[0], POLLIN, 0}};
    std::string* sinks[2] = {&result.out, &result.err};
    int openPipes = 2;
    char buffer[65536];
    while (openPipes > 0)
    {
        if (poll(fds, 2, -1) < 0)
        {
            if (errno == EINTR)
                continue;
            break;
        }
        for (int i = 0; i < 2; ++i)
        {
            if (fds[i].fd < 0 || fds[i].revents == 0)
                continue;
            const ssize_t n = read(fds[i].fd, buffer, sizeof(buffer));
            if (n > 0)
                sinks[i]->append(buffer, size_t(n));
            else if (n == 0 || errno != EINTR)
            {
                close(fds[i].fd);
                fds[i].fd = -1;
                --openPipes;
            }
        }
    }
    for (auto& fd : fds)
        if (fd.fd >= 0)
            close(fd.fd);

    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
    {
    }
    result.exitCode = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return result;
}

bool haveFfmpegTools()
{
    static const bool available =
        runProcess({"ffmpeg", "-version"}).exitCode == 0 && runProcess({"ffprobe", "-version"}).exitCode == 0;
    return available;
}

static std::string quoted(const std::vector<std::string>& argv)
{
    std::string s;
    for (const auto& a : argv)
        s += (s.empty() ? "" : " ") + a;
    return s;
}

static std::string runOrThrow(const std::vector<std::string>& argv)
{
    ProcessResult r = runProcess(argv);
    if (r.exitCode != 0)
        throw std::runtime_error("`" + quoted(argv) + "` failed (exit " + std::to_string(r.exitCode) + "): " + r.err);
    return std::move(r.out);
}

std::vector<uint8_t> decodeAudioBytes(const fs::path& file, const std::string& rawFormat,
                                      const std::vector<std::string>& outputArgs)
{
    std::vector<std::string> argv{"ffmpeg", "-nostdin", "-v", "error", "-i", file.string(), "-map", "0:a:0"};
    argv.insert(argv.end(), outputArgs.begin(), outputArgs.end());
    argv.insert(argv.end(), {"-f", rawFormat, "-"});
    const std::string out = runOrThrow(argv);
    return std::vector<uint8_t>(out.begin(), out.end());
}

template <typename T>
std::vector<T> decodeAudio(const fs::path& file, const std::vector<std::string>& outputArgs)
{
    std::string raw;
    if constexpr (std::is_same_v<T, int16_t>)
        raw = "s16le";
    else if constexpr (std::is_same_v<T, int32_t>)
        raw = "s32le";
    else if constexpr (std::is_same_v<T, float>)
        raw = "f32le";
    else
    {
        static_assert(std::is_same_v<T, double>, "decodeAudio: int16_t, int32_t, float or double");
        raw = "f64le";
    }
    const auto bytes = decodeAudioBytes(file, raw, outputArgs);
    std::vector<T> samples(bytes.size() / sizeof(T));
    std::memcpy(samples.data(), bytes.data(), samples.size() * sizeof(T));
    return samples;
}

template std::vector<int16_t> decodeAudio<int16_t>(const fs::path&, const std::vector<std::string>&);
template std::vector<int32_t> decodeAudio<int32_t>(const fs::path&, const std::vector<std::string>&);
template std::vector<float> decodeAudio<float>(const fs::path&, const std::vector<std::string>&);
template std::vector<double> decodeAudio<double>(const fs::path&, const std::vector<std::string>&);

std::vector<uint8_t> decodeVideoBytes(const fs::path& file, const std::string& pixelFormat,
                                      const std::vector<std::string>& outputArgs)
{
    std::vector<std::string> argv{"ffmpeg", "-nostdin", "-v", "error", "-i", file.string(), "-map", "0:v:0"};
    argv.insert(argv.end(), outputArgs.begin(), outputArgs.end());
    argv.insert(argv.end(), {"-f", "rawvideo", "-pix_fmt", pixelFormat, "-"});
    const std::string out = runOrThrow(argv);
    return std::vector<uint8_t>(out.begin(), out.end());
}

// ---------------------------------------------------------------------------------------------------------------
// ffprobe

bool ProbeFields::has(const std::string& key) const
{
    return fields.count(key) != 0;
}

std::string ProbeFields::text(const std::string& key) const
{
    if (const auto it = fields.find(key); it != fields.end())
        return it->second;
    throw std::runtime_error("ffprobe printed no field '" + key + "'; fields: " + describe());
}

double ProbeFields::number(const std::string& key) const
{
    const std::string value = text(key);
    try
    {
        size_t used = 0;
        const double d = std::stod(value, &used);
        if (used == value.size())
            return d;
    }
    catch (const std::exception&)
    {
    }
    throw std::runtime_error("ffprobe field '" + key + "' is not a number: '" + value + "'");
}

int64_t ProbeFields::integer(const std::string& key) const
{
    const std::string value = text(key);
    try
    {
        size_t used = 0;
        const long long i = std::stoll(value, &used);
        if (used == value.size())
            return i;
    }
    catch (const std::exception&)
    {
    }
    throw std::runtime_error("ffprobe field '" + key + "' is not an integer: '" + value + "'");
}

std::string ProbeFields::describe() const
{
    std::string s;
    for (const auto& [k, v] : fields)
        s += (s.empty() ? "" : ", ") + k + "=" + v;
    return s;
}

static ProbeFields parseKeyValues(const std::string& text)
{
    std::map<std::string, std::string> fields;
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line))
    {
        if (!line.empty() && line.back() == '\r')
            line.pop_back();
        const auto eq = line.find('=');
        if (eq == std::string::npos || line.rfind("[", 0) == 0)
            continue;
        fields.emplace(line.substr(0, eq), line.substr(eq + 1)); // first wins (one section is asked for)
    }
    return ProbeFields(std::move(fields));
}

ProbeFields probeFormat(const fs::path& file)
{
    return parseKeyValues(runOrThrow(
        {"ffprobe", "-v", "error", "-show_entries", "format", "-of", "default=noprint_wrappers=1", file.string()}));
}

ProbeFields probeStream(const fs::path& file, const std::string& streamSpecifier, bool countFrames)
{
    std::vector<std::string> argv{"ffprobe", "-v", "error", "-select_streams", streamSpecifier};
    if (countFrames)
        argv.push_back("-count_frames");
    argv.insert(argv.end(), {"-show_entries", "stream", "-of", "default=noprint_wrappers=1", file.string()});
    const ProbeFields fields = parseKeyValues(runOrThrow(argv));
    if (fields.all().empty())
        throw std::runtime_error("ffprobe found no stream '" + streamSpecifier + "' in " + file.string());
    return fields;
}

std::vector<double> probeFramePts(const fs::path& file, const std::string& streamSpecifier)
{
    const std::string out = runOrThrow({"ffprobe", "-v", "error", "-select_streams", streamSpecifier, "-show_entries",
                                        "frame=pts_time", "-of", "csv=p=0", file.string()});
    std::vector<double> pts;
    std::istringstream in(out);
    std::string line;
    while (std::getline(in, line))
    {
        line.erase(std::remove_if(line.begin(), line.end(), [](char c) { return c == ',' || std::isspace(c); }),
                   line.end());
        if (line.empty())
            continue;
        if (line == "N/A")
            throw std::runtime_error("ffprobe printed a frame without pts in " + file.string());
        pts.push_back(std::stod(line));
    }
    return pts;
}

std::vector<std::string> probePacketField(const fs::path& file, const std::string& streamSpecifier,
                                          const std::string& field)
{
    const std::string out = runOrThrow({"ffprobe", "-v", "error", "-select_streams", streamSpecifier, "-show_entries",
                                        "packet=" + field, "-of", "csv=p=0", file.string()});
    std::vector<std::string> values;
    std::istringstream in(out);
    std::string line;
    while (std::getline(in, line))
    {
        while (!line.empty() && (line.back() == ',' || std::isspace(static_cast<unsigned char>(line.back()))))
            line.pop_back();
        if (!line.empty())
            values.push_back(line);
    }
    return values;
}

std::vector<ProbedChapter> probeChapters(const fs::path& file)
{
    // One chapter per line: start_time|end_time|title (titles may hold commas, never '|').
    const std::string out =
        runOrThrow({"ffprobe", "-v", "error", "-show_entries", "chapter=start_time,end_time:chapter_tags=title", "-of",
                    "csv=p=0:s=|", file.string()});
    std::vector<ProbedChapter> chapters;
    std::istringstream in(out);
    std::string line;
    while (std::getline(in, line))
    {
        std::istringstream fields(line);
        std::string start, end, title;
        if (std::getline(fields, start, '|') && std::getline(fields, end, '|'))
        {
            std::getline(fields, title);
            chapters.push_back({std::stod(start), std::stod(end), title});
        }
    }
    return chapters;
}

ChildProcess::ChildProcess(const std::vector<std::string>& argv, const fs::path& outFile, const fs::path& errFile)
    : outPath(outFile), errPath(errFile)
{
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, outFile.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, errFile.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    std::vector<char*> args;
    for (const auto& a : argv)
        args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    const int error = posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (error != 0)
    {
        pid = -1;
        spawnError = "cannot start " + argv[0] + ": " + std::strerror(error);
    }
}

std::optional<int> ChildProcess::wait(double timeoutSeconds)
{
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(timeoutSeconds);
    while (pid > 0)
    {
        int status = 0;
        if (const pid_t done = waitpid(pid, &status, WNOHANG); done == pid)
        {
            pid = -1;
            exitCode = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
            endSignal = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
            break;
        }
        if (std::chrono::steady_clock::now() > deadline)
            return std::nullopt;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return exitCode;
}

void ChildProcess::signal(int number)
{
    if (pid > 0)
        ::kill(pid, number);
}

void ChildProcess::terminate()
{
    if (pid <= 0)
        return;
    ::kill(pid, SIGTERM);
    if (!wait(3.0))
    {
        ::kill(pid, SIGKILL);
        int status = 0;
        waitpid(pid, &status, 0);
        pid = -1;
    }
}

ProcessResult runCapstan(const std::vector<std::string>& args)
{
    std::vector<std::string> argv{CAPSTAN_CLI_PATH};
    argv.insert(argv.end(), args.begin(), args.end());
    return runProcess(argv);
}

void runFfmpeg(const std::vector<std::string>& args)
{
    std::vector<std::string> argv{"ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error", "-y"};
    argv.insert(argv.end(), args.begin(), args.end());
    const auto result = runProcess(argv);
    INFO(result.err);
    REQUIRE(result.exitCode == 0);
}

VideoTiming probeVideoTiming(const fs::path& file)
{
    VideoTiming timing;
    const auto tb = runProcess({"ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries", "stream=time_base",
                                "-of", "default=nw=1:nk=1", file.string()});
    REQUIRE(tb.exitCode == 0);
    char slash = 0;
    std::istringstream(tb.out) >> timing.timeBaseNum >> slash >> timing.timeBaseDen;
    REQUIRE(timing.timeBaseNum > 0);
    const auto frames = runProcess({"ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries", "frame=pts",
                                    "-of", "csv=p=0", file.string()});
    REQUIRE(frames.exitCode == 0);
    std::istringstream lines(frames.out);
    for (std::string line; std::getline(lines, line);)
    {
        line = line.substr(0, line.find(',')); // side data may follow
        if (!line.empty())
            timing.pts.push_back(std::stoll(line));
    }
    return timing;
}

std::map<std::string, int> probeStreamCounts(const fs::path& file)
{
    const std::string out =
        runOrThrow({"ffprobe", "-v", "error", "-show_entries", "stream=codec_type", "-of", "csv=p=0", file.string()});
    std::map<std::string, int> counts;
    std::istringstream in(out);
    std::string line;
    while (std::getline(in, line))
    {
        line.erase(std::remove_if(line.begin(), line.end(), [](char c) { return c == ',' || std::isspace(c); }),
                   line.end());
        if (!line.empty())
            ++counts[line];
    }
    return counts;
}

} // namespace capstan::test
