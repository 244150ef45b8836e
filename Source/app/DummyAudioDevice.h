#pragma once

#include <capstan/realtime/TestSignal.h>

#include <juce_audio_devices/juce_audio_devices.h>

#include <atomic>
#include <thread>

namespace capstan::app
{

/** An input device with no sound card: capstan::TestSignal (a 440 Hz tone, 880 Hz on the second channel) delivered
    block by block by a thread paced against the steady clock, so that a recording lasts as long as it says. Used by
    `--audio-backend dummy` and by the tests. A second device, "Silence", delivers digital zero (what an unconnected
    input gives), for the signal warning. What the callback puts on the outputs is measured (outputPeak()), so that
    monitoring can be checked without a sound card. */
class DummyAudioDevice final : public juce::AudioIODevice
{
public:
    static constexpr const char* typeName = "Dummy";
    static constexpr const char* deviceName = "Test signal (440 Hz tone)";
    static constexpr const char* silentDeviceName = "Silence (digital zero)";
    static constexpr int numInputs = 2;
    static constexpr int numOutputs = 2;

    explicit DummyAudioDevice(bool silent = false);
    ~DummyAudioDevice() override;

    juce::StringArray getOutputChannelNames() override { return {"Out 1", "Out 2"}; }
    juce::StringArray getInputChannelNames() override { return {"Tone 440 Hz", "Tone 880 Hz"}; }
    juce::Array<double> getAvailableSampleRates() override { return {44100.0, 48000.0, 96000.0}; }
    juce::Array<int> getAvailableBufferSizes() override { return {64, 128, 256, 480, 512, 1024, 2048}; }
    int getDefaultBufferSize() override { return 512; }

    juce::String open(const juce::BigInteger& inputChannels, const juce::BigInteger& outputChannels, double sampleRate,
                      int bufferSizeSamples) override;
    void close() override;
    bool isOpen() override { return opened; }
    void start(juce::AudioIODeviceCallback* callback) override;
    void stop() override;
    bool isPlaying() override { return callbackRunning.load(); }
    juce::String getLastError() override { return {}; }
    int getCurrentBufferSizeSamples() override { return bufferSize; }
    double getCurrentSampleRate() override { return rate; }
    int getCurrentBitDepth() override { return 32; }
    juce::BigInteger getActiveOutputChannels() const override { return activeOutputs; }
    juce::BigInteger getActiveInputChannels() const override { return activeInputs; }
    int getOutputLatencyInSamples() override { return 0; }
    int getInputLatencyInSamples() override { return 0; }
    /** The highest |sample| the callback has put on the outputs since the last call (resets it). */
    float takeOutputPeak() noexcept { return outputPeak.exchange(0.0f); }

private:
    void run();

    const bool silent;
    bool opened = false;
    std::atomic<float> outputPeak{0};
    double rate = 48000;
    int bufferSize = 512;
    juce::BigInteger activeInputs, activeOutputs;
    juce::AudioBuffer<float> outputBuffer;
    juce::AudioIODeviceCallback* callback = nullptr;
    std::atomic<bool> callbackRunning{false}, stopRequested{false};
    std::thread thread;
};

/** The device type that offers DummyAudioDevice in JUCE's device manager and selector. */
class DummyAudioDeviceType final : public juce::AudioIODeviceType
{
public:
    DummyAudioDeviceType() : juce::AudioIODeviceType(DummyAudioDevice::typeName) {}
    void scanForDevices() override {}
    juce::StringArray getDeviceNames(bool) const override
    {
        return {DummyAudioDevice::deviceName, DummyAudioDevice::silentDeviceName};
    }
    int getDefaultDeviceIndex(bool) const override { return 0; }
    int getIndexOfDevice(juce::AudioIODevice* device, bool asInput) const override
    {
        return device != nullptr ? getDeviceNames(asInput).indexOf(device->getName()) : -1;
    }
    bool hasSeparateInputsAndOutputs() const override { return false; }
    juce::AudioIODevice* createDevice(const juce::String& outputName, const juce::String& inputName) override;
};

} // namespace capstan::app
