#include "SlicingStudy.h"

#include "LegacySliceEncoder.h"

#include <capstan/media/Error.h>
#include <capstan/media/MediaReader.h>
#include <capstan/media/StreamWriter.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <iterator>
#include <numbers>
#include <numeric>

namespace capstan
{

namespace
{
/** A tiny deterministic generator (the same numbers on every platform, unlike <random>'s distributions). */
class Noise
{
public:
    explicit Noise(uint32_t seed) : state(seed) {}
    float next() // uniform in [-1, 1)
    {
        state = state * 1664525u + 1013904223u;
        return float(state >> 8) / float(1u << 23) - 1.0f;
    }

private:
    uint32_t state;
};

constexpr double twoPi = 2.0 * std::numbers::pi;

/** Noise through a two-pole resonator: band-limited hiss that lossy codecs keep (their low-pass filters at
    14-19 kHz would otherwise remove much of white noise and cap every SNR, whatever the slicing). */
class BandNoise
{
public:
    BandNoise(uint32_t seed, double centre, double radius, int sampleRate)
        : noise(seed), a1(2.0 * radius * std::cos(twoPi * centre / sampleRate)), a2(-radius * radius),
          gain(1.0 - radius)
    {
    }
    float next()
    {
        const double y = gain * noise.next() + a1 * y1 + a2 * y2;
        y2 = y1;
        y1 = y;
        return float(y);
    }

private:
    Noise noise;
    double a1, a2, gain, y1 = 0.0, y2 = 0.0;
};

std::vector<float> speechLike(int sampleRate, int64_t numSamples)
{
    // Syllables of 180-260 ms with 60-120 ms pauses; each a vowel (a few formants shaping a glottal harmonic series
    // whose pitch glides) or a fricative (noise with a high-frequency tilt). Low room tone throughout.
    std::vector<float> out(size_t(numSamples), 0.0f);
    BandNoise hiss(12345, 4500.0, 0.97, sampleRate), room(777, 700.0, 0.5, sampleRate);
    const double formants[][3] = {
        {730, 1090, 2440}, {270, 2290, 3010}, {530, 1840, 2480}, {300, 870, 2240}, {660, 1720, 2410}};
    int64_t position = 0;
    int syllable = 0;
    double phase = 0.0;
    while (position < numSamples)
    {
        const int64_t length = int64_t(sampleRate * (0.18 + 0.02 * (syllable * 7 % 5)));
        const int64_t pause = int64_t(sampleRate * (0.06 + 0.015 * (syllable * 3 % 5)));
        const bool fricative = syllable % 4 == 3;
        const auto& f = formants[syllable % 5];
        const double f0Start = 110.0 + 15.0 * (syllable % 6), f0End = f0Start * (syllable % 2 == 0 ? 1.25 : 0.85);
        for (int64_t i = 0; i < length && position + i < numSamples; ++i)
        {
            const double t = double(i) / double(length);
            const double envelope = std::sin(std::numbers::pi * t) * std::sin(std::numbers::pi * t);
            double value = 0.0;
            if (fricative)
            {
                value = 2.0 * hiss.next();
            }
            else
            {
                const double f0 = f0Start + (f0End - f0Start) * t;
                phase += twoPi * f0 / sampleRate;
                for (int k = 1; k * f0 < 5000.0; ++k)
                {
                    const double frequency = k * f0;
                    double gain = 0.0;
                    for (int j = 0; j < 3; ++j) // resonance peaks of bandwidth ~100-200 Hz
                    {
                        const double d = (frequency - f[j]) / (80.0 + 40.0 * j);
                        gain += (1.0 - 0.3 * j) / (1.0 + d * d);
                    }
                    value += 0.09 * gain / std::sqrt(double(k)) * std::sin(k * phase);
                }
            }
            out[size_t(position + i)] = float(envelope * value);
        }
        position += length + pause;
        ++syllable;
    }
    for (auto& sample : out)
        sample += 0.002f * room.next();
    return out;
}

std::vector<float> musicLike(int sampleRate, int64_t numSamples)
{
    // A chord every 500 ms (three notes, eight harmonics each, exponential decay) and a noise hit every 250 ms.
    std::vector<float> out(size_t(numSamples), 0.0f);
    BandNoise noise(4242, 3000.0, 0.9, sampleRate);
    const double roots[] = {220.0, 174.61, 261.63, 196.0};
    const double chord[] = {1.0, 1.2599, 1.4983}; // major triad
    const int64_t beat = sampleRate / 4;
    for (int64_t i = 0; i < numSamples; ++i)
    {
        const int64_t bar = i / (2 * beat);
        const double t = double(i % (2 * beat)) / sampleRate;
        const double root = roots[bar % 4];
        double value = 0.0;
        for (const double ratio : chord)
            for (int k = 1; k <= 8; ++k)
                value +=
                    0.06 / k * std::exp(-t * (2.0 + k)) * std::sin(twoPi * root * ratio * k * double(i) / sampleRate);
        const double hitTime = double(i % beat) / sampleRate;
        value += 1.0 * std::exp(-hitTime * 60.0) * noise.next();
        out[size_t(i)] = float(value);
    }
    return out;
}

std::string extensionFor(const std::string& encoder)
{
    if (encoder == "aac")
        return ".mp4";
    if (encoder == "libopus")
        return ".ogg";
    return ".mp3";
}

std::vector<uint8_t> readBytes(const std::filesystem::path& file)
{
    std::ifstream in(file, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void encodeWithCapstan(const std::string& encoder, const std::vector<float>& samples, int sampleRate, int64_t bitRate,
                       int64_t sliceSize, const std::filesystem::path& file)
{
    StreamWriter writer(file.string());
    AudioStreamConfig config{
        .sampleRate = sampleRate, .numChannels = 1, .format = SampleFormat::flt, .encoder = encoder};
    config.codecConfig.bitRate = bitRate;
    const int stream = writer.addAudioStream(config);
    writer.open();
    const int64_t total = int64_t(samples.size());
    const int64_t slice = sliceSize > 0 ? sliceSize : total;
    for (int64_t start = 0; start < total; start += slice)
        writer.writeAudioChunk(
            stream, std::span<const float>(samples).subspan(size_t(start), size_t(std::min(slice, total - start))));
    writer.close();
}
} // namespace

SlicingStudy::SlicingStudy(SlicingStudyConfig config) : settings(std::move(config))
{
    if (settings.seconds <= 0.0 || settings.seconds > 600.0)
        throw Error("slicing study: duration " + std::to_string(settings.seconds) + " s; accepted: (0, 600]");
    for (const auto& encoder : settings.encoders)
        if (encoder != "aac" && encoder != "libmp3lame" && encoder != "libopus")
            throw Error("slicing study: encoder '" + encoder + "' is not studied; accepted: aac, libmp3lame, libopus");
    for (const auto& signal : settings.signals)
        if (signal != "speech" && signal != "music")
            throw Error("slicing study: signal '" + signal + "' is unknown; accepted: speech, music");
    for (const auto size : settings.sliceSizes)
        if (size <= 0)
            throw Error("slicing study: slice sizes must be positive, got " + std::to_string(size));
}

std::vector<float> SlicingStudy::generateSignal(const std::string& name, int sampleRate, int64_t numSamples)
{
    if (name == "speech")
        return speechLike(sampleRate, numSamples);
    if (name == "music")
        return musicLike(sampleRate, numSamples);
    throw Error("slicing study: signal '" + name + "' is unknown; accepted: speech, music");
}

std::vector<float> SlicingStudy::decode(const std::filesystem::path& file, double& declaredSeconds)
{
    MediaReader reader(file.string());
    const int stream = reader.bestAudioStream();
    if (stream < 0)
        throw Error("slicing study: '" + file.string() + "' has no audio");
    declaredSeconds = 0.0;
    for (const auto& info : reader.streams())
        if (info.index == stream && info.duration)
            declaredSeconds = *info.duration;
    reader.selectAudio(stream, {.format = SampleFormat::flt, .numChannels = 1});
    std::vector<float> samples;
    while (auto chunk = reader.readAudio(8192))
    {
        const auto* data = reinterpret_cast<const float*>(chunk->planes[0].data());
        samples.insert(samples.end(), data, data + chunk->numFrames);
    }
    return samples;
}

int64_t SlicingStudy::findLag(const std::vector<float>& reference, const std::vector<float>& decoded, int64_t minLag,
                              int64_t maxLag)
{
    const int64_t length = std::min<int64_t>(int64_t(reference.size()), 8192);
    int64_t best = 0;
    double bestScore = -1.0;
    for (int64_t lag = minLag; lag <= maxLag; ++lag)
    {
        double score = 0.0;
        for (int64_t i = std::max<int64_t>(0, -lag); i < length; ++i)
        {
            const int64_t j = i + lag;
            if (j >= int64_t(decoded.size()))
                break;
            score += double(reference[size_t(i)]) * double(decoded[size_t(j)]);
        }
        if (score > bestScore)
        {
            bestScore = score;
            best = lag;
        }
    }
    return best;
}

double SlicingStudy::snr(const std::vector<float>& input, const std::vector<float>& decoded,
                         const std::vector<int64_t>& positions, int64_t lag)
{
    double signal = 0.0, error = 0.0;
    for (size_t i = 0; i < input.size(); ++i)
    {
        const int64_t j = positions[i] + lag;
        const double y = (j >= 0 && j < int64_t(decoded.size())) ? decoded[size_t(j)] : 0.0;
        signal += double(input[i]) * input[i];
        error += (input[i] - y) * (input[i] - y);
    }
    return 10.0 * std::log10(signal / std::max(error, 1.0e-30));
}

std::vector<SlicingResult> SlicingStudy::run(const std::function<void(const std::string&)>& progress)
{
    std::filesystem::create_directories(settings.workDir);
    const int64_t numSamples = int64_t(std::llround(settings.seconds * settings.sampleRate));
    std::vector<SlicingResult> results;

    for (const auto& signalName : settings.signals)
    {
        const auto input = generateSignal(signalName, settings.sampleRate, numSamples);
        std::vector<int64_t> identity(input.size());
        std::iota(identity.begin(), identity.end(), int64_t(0));

        for (const auto& encoder : settings.encoders)
        {
            const int frameSize = LegacySliceEncoder::frameSizeOf(encoder, settings.sampleRate, settings.bitRate);
            for (const std::string path : {"legacy", "capstan"})
            {
                std::vector<uint8_t> referenceBytes;
                int64_t referenceLag = 0;
                std::vector<int64_t> sizes{0};
                sizes.insert(sizes.end(), settings.sliceSizes.begin(), settings.sliceSizes.end());
                for (const int64_t slice : sizes)
                {
                    SlicingResult r;
                    r.signal = signalName;
                    r.encoder = encoder;
                    r.path = path;
                    r.sliceSize = slice;
                    r.frameSize = frameSize;
                    r.file = settings.workDir /
                             (signalName + "-" + encoder + "-" + path + "-" +
                              (slice == 0 ? std::string("all") : std::to_string(slice)) + extensionFor(encoder));
                    if (progress)
                        progress(r.file.filename().string());

                    LegacySliceEncoder::Layout layout;
                    if (path == "legacy")
                    {
                        LegacySliceEncoder::encode(encoder, input, settings.sampleRate, settings.bitRate, slice,
                                                   r.file);
                        layout = LegacySliceEncoder::layoutFor(encoder, numSamples, slice, frameSize);
                    }
                    else
                    {
                        encodeWithCapstan(encoder, input, settings.sampleRate, settings.bitRate, slice, r.file);
                        layout.position = identity;
                    }
                    r.gapCount = layout.gapCount;
                    r.gapSamples = layout.gapSamples;

                    const auto bytes = readBytes(r.file);
                    r.bytes = int64_t(bytes.size());
                    if (slice == 0)
                        referenceBytes = bytes;
                    r.identicalToReference = bytes == referenceBytes;

                    const auto decoded = decode(r.file, r.declaredSeconds);
                    r.decodedSamples = int64_t(decoded.size());
                    // The codec's delay (encoder priming not trimmed by the container, decoder delay) does not depend
                    // on the slicing: it is measured once, on the all-at-once encode, by cross-correlation.
                    if (slice == 0)
                        referenceLag = findLag(input, decoded, -512, 2560);
                    r.lag = referenceLag;
                    r.timelineSnr = snr(input, decoded, identity, r.lag);
                    r.contentSnr = snr(input, decoded, layout.position, r.lag);
                    results.push_back(std::move(r));
                }
            }
        }
    }
    return results;
}

} // namespace capstan
