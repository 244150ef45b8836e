#include "AudioEngine.h"

#include <cmath>

namespace capstan::app
{

AudioEngine::AudioEngine(PluginChain& chainIn) : chain(chainIn) {}

AudioEngine::~AudioEngine() = default;

void AudioEngine::setSettings(const TakeSettings& settings)
{
    post.setSettings(settings);
    auto preSettings = settings;
    preSettings.pattern += "_prechain";
    // The video source is read once, for the take's own file (a camera streams to one reader); the pre-chain file of
    // a video format keeps the spectrum of its input.
    preSettings.videoSource.clear();
    pre.setSettings(preSettings);
}

void AudioEngine::startTake(double durationSeconds)
{
    framesLeft.store(durationSeconds > 0 ? int64_t(std::llround(durationSeconds * rate.load())) : -1);
    requestedDuration.store(durationSeconds);
    recordWanted.store(true);
}

void AudioEngine::prepare(double sampleRate, int maxBlockFrames, int numChannels)
{
    const int channels = juce::jlimit(1, maxChannels, numChannels);
    buffer.setSize(channels, maxBlockFrames);
    preBuffer.setSize(channels, maxBlockFrames);
    chain.prepare(sampleRate, maxBlockFrames, channels);
    post.prepare(sampleRate, channels, maxBlockFrames);
    pre.prepare(sampleRate, channels, maxBlockFrames);
    wave.prepare(juce::jmax(1, juce::roundToInt(sampleRate / 100.0))); // 10 ms bins
    rate.store(sampleRate);
    inputChannels.store(channels);
    wasRecording = false;
}

void AudioEngine::audioDeviceAboutToStart(juce::AudioIODevice* device)
{
    deviceFailed.store(false);
    const int channels = device->getActiveInputChannels().countNumberOfSetBits();
    if (channels == 0)
    {
        inputChannels.store(0);
        return;
    }
    // A take asked for before the device (re)started keeps its duration in frames of the new rate.
    prepare(device->getCurrentSampleRate(), juce::jmax(device->getCurrentBufferSizeSamples(), 4096), channels);
    if (recordWanted.load() && requestedDuration.load() > 0 && framesLeft.load() >= 0)
        framesLeft.store(int64_t(std::llround(requestedDuration.load() * rate.load())));
}

void AudioEngine::audioDeviceStopped()
{
    chain.release();
}

void AudioEngine::audioDeviceIOCallbackWithContext(const float* const* inputs, int numInputs, float* const* outputs,
                                                   int numOutputs, int numFrames,
                                                   const juce::AudioIODeviceCallbackContext&)
{
    for (int i = 0; i < numOutputs; ++i)
        if (outputs[i] != nullptr)
            juce::FloatVectorOperations::clear(outputs[i], numFrames);
    const int channels = juce::jmin(inputChannels.load(std::memory_order_relaxed), buffer.getNumChannels());
    if (channels == 0)
        return;

    for (int start = 0; start < numFrames;)
    {
        const int frames = juce::jmin(numFrames - start, buffer.getNumSamples());
        for (int c = 0; c < channels; ++c)
        {
            auto* dest = buffer.getWritePointer(c);
            if (c < numInputs && inputs[c] != nullptr)
                juce::FloatVectorOperations::copy(dest, inputs[c] + start, frames);
            else
                juce::FloatVectorOperations::clear(dest, frames);
        }

        // A take with a duration ends on its exact frame: the block is split there.
        bool record = recordWanted.load(std::memory_order_relaxed);
        const int64_t left = framesLeft.load(std::memory_order_relaxed);
        if (record && !wasRecording)
        {
            preChainThisTake = preChainEnabled.load(std::memory_order_relaxed);
            postMeter.beginTake();
            preMeter.beginTake();
            wave.beginTake();
        }
        if (record && left >= 0 && left < frames)
        {
            if (left > 0)
                processPiece(0, int(left), true);
            recordWanted.store(false, std::memory_order_relaxed);
            framesLeft.store(-1, std::memory_order_relaxed);
            processPiece(int(left), frames - int(left), false);
            wasRecording = false;
        }
        else
        {
            if (record && left >= 0)
                framesLeft.store(left - frames, std::memory_order_relaxed);
            processPiece(0, frames, record);
            wasRecording = record;
        }
        // Monitoring plays what goes into the file; a mono input goes to every output. What reaches the speakers
        // is made safe as the file is: NaN/Inf from a chain become silence, and nothing goes beyond full scale.
        if (monitoring.load(std::memory_order_relaxed))
            for (int o = 0; o < numOutputs; ++o)
                if (outputs[o] != nullptr)
                {
                    const float* from = buffer.getReadPointer(o % channels);
                    float* to = outputs[o] + start;
                    for (int i = 0; i < frames; ++i)
                        to[i] = std::isfinite(from[i]) ? juce::jlimit(-1.0f, 1.0f, from[i]) : 0.0f;
                }
        processed.fetch_add(frames, std::memory_order_relaxed);
        start += frames;
    }
}

void AudioEngine::processPiece(int offset, int numFrames, bool record) noexcept
{
    if (numFrames <= 0)
        return;
    const int channels = juce::jmin(inputChannels.load(std::memory_order_relaxed), buffer.getNumChannels());
    const bool isPaused = paused.load(std::memory_order_relaxed);
    for (int c = 0; c < channels; ++c)
        piece[size_t(c)] = buffer.getWritePointer(c) + offset;
    // The pre-chain recorder gets its own copy: the chain works in place on `buffer`.
    for (int c = 0; c < channels; ++c)
    {
        prePiece[size_t(c)] = preBuffer.getWritePointer(c);
        juce::FloatVectorOperations::copy(prePiece[size_t(c)], piece[size_t(c)], numFrames);
    }
    // Paused audio is metered but not written: it does not count towards the take's figures.
    preMeter.measure(prePiece.data(), channels, numFrames, record && preChainThisTake && !isPaused);
    pre.process(prePiece.data(), channels, numFrames, record && preChainThisTake, isPaused);
    chain.process(piece.data(), channels, numFrames);
    postMeter.measure(piece.data(), channels, numFrames, record && !isPaused);
    if (record && !isPaused)
        wave.add(piece.data(), channels, numFrames);
    post.process(piece.data(), channels, numFrames, record, isPaused);
}

} // namespace capstan::app
