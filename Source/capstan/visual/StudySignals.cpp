#include "StudySignals.h"

#include <capstan/media/Error.h>
#include <capstan/media/MediaReader.h>

#include <cmath>
#include <numbers>

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

} // namespace

std::map<std::string, StudySignals::Recording> StudySignals::defaultRecordings()
{
    return {{"recorded-speech",
             {{"/usr/share/sounds/alsa/Front_Left.wav", "/usr/share/sounds/alsa/Front_Center.wav",
               "/usr/share/sounds/alsa/Front_Right.wav"},
              "alsa-utils",
              "a voice saying \"Front left\", \"Front center\", \"Front right\" (alsa-utils' "
              "/usr/share/sounds/alsa/Front_*.wav, 48 kHz)"}},
            {"recorded-music",
             {{"/usr/share/sonic-pi/samples/loop_tabla.flac"},
              "sonic-pi-samples",
              "a tabla loop recorded by lezaarth, CC0 (sonic-pi-samples' loop_tabla.flac, 44.1 kHz stereo, mixed to "
              "mono)"}}};
}

std::vector<std::string> StudySignals::names()
{
    return {"speech", "music", "recorded-speech", "recorded-music"};
}

std::vector<float> StudySignals::generate(const std::string& name, int sampleRate, int64_t numSamples)
{
    if (name == "speech")
        return speechLike(sampleRate, numSamples);
    if (name == "music")
        return musicLike(sampleRate, numSamples);
    throw Error("slicing study: signal '" + name + "' is not generated; generated: speech, music");
}

bool StudySignals::load(const Recording& recording, int sampleRate, int64_t numSamples, std::vector<float>& samples,
                        std::string& missing)
{
    for (const auto& file : recording.files)
        if (!std::filesystem::exists(file))
        {
            missing = file.string() + " is missing (install the Debian package " + recording.package +
                      "; Scripts/setup.sh does)";
            return false;
        }
    std::vector<float> once;
    for (const auto& file : recording.files)
    {
        MediaReader reader(file.string());
        const int stream = reader.bestAudioStream();
        if (stream < 0)
            throw Error("slicing study: '" + file.string() + "' has no audio");
        reader.selectAudio(stream, {.format = SampleFormat::flt, .sampleRate = sampleRate, .numChannels = 1});
        while (auto chunk = reader.readAudio(8192))
        {
            const auto* data = reinterpret_cast<const float*>(chunk->planes[0].data());
            once.insert(once.end(), data, data + chunk->numFrames);
        }
    }
    if (once.empty())
        throw Error("slicing study: the recording in '" + recording.files.front().string() + "' decodes to nothing");
    samples.resize(size_t(numSamples));
    for (size_t i = 0; i < samples.size(); ++i)
        samples[i] = once[i % once.size()];
    return true;
}

} // namespace capstan
