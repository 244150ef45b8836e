#include "DummyAudioDevice.h"

#include <chrono>

namespace capstan::app
{

DummyAudioDevice::DummyAudioDevice(bool silentIn)
    : juce::AudioIODevice(silentIn ? silentDeviceName : deviceName, typeName), silent(silentIn)
{
}

DummyAudioDevice::~DummyAudioDevice()
{
    close();
}

juce::String DummyAudioDevice::open(const juce::BigInteger& inputChannels, const juce::BigInteger& outputChannels,
                                    double sampleRate, int bufferSizeSamples)
{
    close();
    rate = sampleRate > 0 ? sampleRate : 48000.0;
    bufferSize = bufferSizeSamples > 0 ? bufferSizeSamples : getDefaultBufferSize();
    activeInputs = inputChannels;
    activeInputs.setRange(numInputs, juce::jmax(0, activeInputs.getHighestBit() + 1 - numInputs), false);
    activeOutputs = outputChannels;
    activeOutputs.setRange(numOutputs, juce::jmax(0, activeOutputs.getHighestBit() + 1 - numOutputs), false);
    outputBuffer.setSize(juce::jmax(1, activeOutputs.countNumberOfSetBits()), bufferSize);
    opened = true;
    return {};
}

void DummyAudioDevice::close()
{
    stop();
    opened = false;
}

void DummyAudioDevice::start(juce::AudioIODeviceCallback* newCallback)
{
    if (!opened || newCallback == nullptr)
        return;
    stop();
    callback = newCallback;
    callback->audioDeviceAboutToStart(this);
    stopRequested = false;
    callbackRunning = true;
    thread = std::thread([this] { run(); });
}

void DummyAudioDevice::stop()
{
    if (thread.joinable())
    {
        stopRequested = true;
        thread.join();
    }
    if (callbackRunning.exchange(false) && callback != nullptr)
        callback->audioDeviceStopped();
    callback = nullptr;
}

void DummyAudioDevice::run()
{
    juce::Thread::setCurrentThreadName("Capstan dummy audio");
    // The active input channels are channels [0, n) of the test signal in the order JUCE hands them to the callback.
    const int inputs = activeInputs.countNumberOfSetBits();
    const int outputs = activeOutputs.countNumberOfSetBits();
    capstan::TestSignal signal({.kind = capstan::TestSignal::Kind::tone,
                                .sampleRate = int(rate + 0.5),
                                .numChannels = juce::jmax(1, numInputs),
                                .frequency = 440.0,
                                .amplitude = 0.5});
    std::vector<float*> channels(size_t(numInputs), nullptr);
    juce::AudioBuffer<float> all(numInputs, bufferSize);
    for (int c = 0; c < numInputs; ++c)
        channels[size_t(c)] = all.getWritePointer(c);
    std::vector<const float*> inputPointers;
    for (int c = 0; c < numInputs; ++c)
        if (activeInputs[c])
            inputPointers.push_back(all.getReadPointer(c));

    using Clock = std::chrono::steady_clock;
    const auto blockDuration = std::chrono::duration<double>(bufferSize / rate);
    auto next = Clock::now();
    int64_t position = 0;
    while (!stopRequested.load())
    {
        if (silent)
            all.clear();
        else
            signal.render(channels.data(), position, bufferSize);
        position += bufferSize;
        outputBuffer.clear();
        callback->audioDeviceIOCallbackWithContext(inputPointers.data(), inputs, outputBuffer.getArrayOfWritePointers(),
                                                   outputs, bufferSize, {});
        float peak = 0;
        for (int c = 0; c < outputs; ++c)
            peak = juce::jmax(peak, outputBuffer.getMagnitude(c, 0, bufferSize));
        if (peak > outputPeak.load())
            outputPeak.store(peak);
        next += std::chrono::duration_cast<Clock::duration>(blockDuration);
        std::this_thread::sleep_until(next);
    }
}

juce::AudioIODevice* DummyAudioDeviceType::createDevice(const juce::String& outputName, const juce::String& inputName)
{
    const auto names = getDeviceNames(true);
    const auto name = inputName.isNotEmpty() ? inputName : outputName;
    if ((outputName.isNotEmpty() && outputName != name) || (name.isNotEmpty() && !names.contains(name)))
        return nullptr;
    return new DummyAudioDevice(name == DummyAudioDevice::silentDeviceName);
}

} // namespace capstan::app
