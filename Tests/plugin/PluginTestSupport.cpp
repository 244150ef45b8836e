#include "PluginTestSupport.h"

#include "support/TestSupport.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <thread>

namespace capstan::test
{

Planar makeCaptureSignal(int numChannels, int64_t numFrames, uint32_t seed)
{
    SignalSpec spec;
    spec.waveform = Waveform::noise;
    spec.numChannels = numChannels;
    spec.numFrames = numFrames;
    spec.amplitude = 0.5;
    spec.seed = seed;
    const auto interleaved = generateSignal(spec);
    Planar planar(size_t(numChannels), std::vector<float>(size_t(numFrames), 0.0f));
    for (int64_t i = 0; i < numFrames; ++i)
        for (int c = 0; c < numChannels; ++c)
            planar[size_t(c)][size_t(i)] =
                float(std::round(interleaved[size_t(i * numChannels + c)] * 8388608.0) / 8388608.0);
    return planar;
}

BlockRunResult runBlocks(juce::AudioProcessor& processor, const Planar& signal, const BlockRunOptions& options)
{
    BlockRunResult result;
    const int numChannels = int(signal.size());
    const int64_t numFrames = int64_t(signal.front().size());
    const int maxBlock = *std::max_element(options.blockSizes.begin(), options.blockSizes.end());

    Planar scratch(size_t(numChannels), std::vector<float>(size_t(maxBlock), 0.0f));
    std::vector<float*> pointers;
    for (auto& channel : scratch)
        pointers.push_back(channel.data());
    juce::MidiBuffer midi;
    midi.ensureSize(256);

    bool recording = false;
    std::vector<float>* take = nullptr;
    const auto started = std::chrono::steady_clock::now();
    size_t sizeIndex = 0;

    for (int64_t position = 0; position < numFrames; ++result.blocks)
    {
        const int n =
            int(std::min<int64_t>(options.blockSizes[sizeIndex++ % options.blockSizes.size()], numFrames - position));
        const bool wanted = options.wanted(position);
        if (wanted != recording)
        {
            recording = wanted;
            options.onChange(wanted);
            if (wanted)
            {
                take = &result.expectedTakes.emplace_back();
                take->reserve(size_t(numFrames * numChannels));
            }
        }
        if (recording)
        {
            for (int i = 0; i < n; ++i)
                for (int c = 0; c < numChannels; ++c)
                    take->push_back(signal[size_t(c)][size_t(position + i)]);
        }

        for (int c = 0; c < numChannels; ++c)
            std::memcpy(scratch[size_t(c)].data(), signal[size_t(c)].data() + position, size_t(n) * sizeof(float));
        juce::AudioBuffer<float> buffer(pointers.data(), numChannels, n); // refers to scratch: no allocation

        if (options.trap && recording)
        {
            TrapCounts counts;
            {
                RealtimeTrap trap;
                processor.processBlock(buffer, midi);
                counts = trap.counts();
            }
            result.trapped.allocations += counts.allocations;
            result.trapped.frees += counts.frees;
            result.trapped.locks += counts.locks;
            ++result.trappedBlocks;
        }
        else
        {
            processor.processBlock(buffer, midi);
        }

        for (int c = 0; c < numChannels; ++c)
            for (int i = 0; i < n; ++i)
                if (std::memcmp(&scratch[size_t(c)][size_t(i)], &signal[size_t(c)][size_t(position + i)],
                                sizeof(float)) != 0)
                    ++result.passThroughMismatches;

        position += n;
        const auto due =
            started + std::chrono::duration<double>(double(position) / options.sampleRate / options.maxSpeed);
        std::this_thread::sleep_until(std::chrono::time_point_cast<std::chrono::steady_clock::duration>(due));
    }
    if (recording)
        options.onChange(false);
    return result;
}

std::vector<std::filesystem::path> takesIn(const std::filesystem::path& folder, const std::string& ext)
{
    std::vector<std::filesystem::path> files;
    if (std::filesystem::exists(folder))
        for (const auto& entry : std::filesystem::directory_iterator(folder))
            if (entry.path().extension() == ext)
                files.push_back(entry.path());
    std::sort(files.begin(), files.end());
    return files;
}

juce::AudioProcessorParameter* findParameter(juce::AudioProcessor& processor, const juce::String& name)
{
    for (auto* parameter : processor.getParameters())
        if (parameter->getName(64) == name)
            return parameter;
    return nullptr;
}

void setRecordDir(const std::filesystem::path& folder)
{
    ::setenv("CAPSTAN_RECORD_DIR", folder.c_str(), 1);
}

std::string compareSamples(const std::vector<float>& actual, const std::vector<float>& expected)
{
    if (actual.size() != expected.size())
        return "sizes differ: " + std::to_string(actual.size()) + " samples decoded, " +
               std::to_string(expected.size()) + " expected";
    for (size_t i = 0; i < actual.size(); ++i)
        if (std::memcmp(&actual[i], &expected[i], sizeof(float)) != 0)
            return "first difference at sample " + std::to_string(i) + ": " + std::to_string(actual[i]) + " vs " +
                   std::to_string(expected[i]);
    return "identical";
}

} // namespace capstan::test
