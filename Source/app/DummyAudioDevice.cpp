#include "DummyAudioDevice.h"

#include <chrono>

namespace capstan::app
{

DummyAudioDevice::DummyAudioDevice() : juce::AudioIODevice(deviceName, typeName) {}

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
        signal.render(channels.data(), position, bufferSize);
        position += bufferSize;
        outputBuffer.clear();
        callback->audioDeviceIOCallbackWithContext(inputPointers.data(), inputs, outputBuffer.getArrayOfWritePointers(),
                                                   outputs, bufferSize, {});
        next += std::chrono::duration_cast<Clock::duration>(blockDuration);
        std::this_thread::sleep_until(next);
    }
}

juce::AudioIODevice* DummyAudioDeviceType::createDevice(const juce::String& outputName, const juce::String& inputName)
{
    if (outputName.isNotEmpty() && outputName != DummyAudioDevice::deviceName)
        return nullptr;
    if (inputName.isNotEmpty() && inputName != DummyAudioDevice::deviceName)
        return nullptr;
    return new DummyAudioDevice();
}

} // namespace capstan::app
