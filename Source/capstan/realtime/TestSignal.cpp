#include "TestSignal.h"

#include <capstan/media/Error.h>
#include <capstan/media/MediaReader.h>

#include <cmath>
#include <numbers>

namespace capstan
{

TestSignal::TestSignal(const Spec& spec) : signalSpec(spec)
{
    if (spec.sampleRate <= 0 || spec.numChannels <= 0)
        throw Error("TestSignal: sample rate and channel count must be positive");
    if (spec.kind != Kind::file)
        return;
    MediaReader reader(spec.filePath);
    const int stream = reader.bestAudioStream();
    if (stream < 0)
        throw Error("TestSignal: '" + spec.filePath + "' has no audio stream");
    reader.selectAudio(stream,
                       {.format = SampleFormat::fltp, .sampleRate = spec.sampleRate, .numChannels = spec.numChannels});
    fileChannels.assign(size_t(spec.numChannels), {});
    const auto maxFrames = int64_t(spec.maxFileSeconds * spec.sampleRate);
    while (auto chunk = reader.readAudio(8192))
    {
        for (int c = 0; c < spec.numChannels; ++c)
        {
            const auto* samples = reinterpret_cast<const float*>(chunk->planes[size_t(c)].data());
            fileChannels[size_t(c)].insert(fileChannels[size_t(c)].end(), samples, samples + chunk->numFrames);
        }
        if (int64_t(fileChannels[0].size()) >= maxFrames)
            break;
    }
    if (fileChannels[0].empty())
        throw Error("TestSignal: '" + spec.filePath + "' decoded to no audio");
}

TestSignal::Kind TestSignal::parseKind(const std::string& name)
{
    if (name == "tone")
        return Kind::tone;
    if (name == "noise")
        return Kind::noise;
    if (name == "file")
        return Kind::file;
    throw Error("unknown signal '" + name + "' (accepted: tone, noise, file)");
}

float TestSignal::sampleAt(int channel, int64_t frame) const noexcept
{
    double value = 0.0;
    switch (signalSpec.kind)
    {
    case Kind::tone:
    {
        // Phase from the frame index modulo the sample rate keeps it exact over hours.
        const double f = signalSpec.frequency * (channel + 1);
        const double cycles = std::fmod(f * double(frame % signalSpec.sampleRate) / signalSpec.sampleRate, 1.0);
        value = signalSpec.amplitude * std::sin(2.0 * std::numbers::pi * cycles);
        break;
    }
    case Kind::noise:
    {
        // splitmix64 of (seed, channel, frame): deterministic and independent of block sizes.
        uint64_t z = (uint64_t(signalSpec.seed) << 40) ^ (uint64_t(channel) << 56) ^ uint64_t(frame);
        z += 0x9e3779b97f4a7c15ull;
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
        z ^= z >> 31;
        value = signalSpec.amplitude * (double(z >> 11) / double(1ull << 53) * 2.0 - 1.0);
        break;
    }
    case Kind::file:
    {
        const auto& samples = fileChannels[size_t(channel)];
        return samples[size_t(frame % int64_t(samples.size()))];
    }
    }
    if (signalSpec.quantize16)
        value = std::round(value * 32768.0) / 32768.0;
    return float(value);
}

void TestSignal::render(float* const* channels, int64_t start, int numFrames) const noexcept
{
    for (int c = 0; c < signalSpec.numChannels; ++c)
        for (int i = 0; i < numFrames; ++i)
            channels[c][i] = sampleAt(c, start + i);
}

std::vector<float> TestSignal::interleaved(int64_t start, int64_t numFrames) const
{
    std::vector<float> out(size_t(numFrames * signalSpec.numChannels));
    for (int64_t i = 0; i < numFrames; ++i)
        for (int c = 0; c < signalSpec.numChannels; ++c)
            out[size_t(i * signalSpec.numChannels + c)] = sampleAt(c, start + i);
    return out;
}

} // namespace capstan
