#pragma once

#include "MeterTap.h"
#include "PluginChain.h"
#include "WaveformAccumulator.h"

#include <capstan/session/TakeRecorder.h>

#include <juce_audio_devices/juce_audio_devices.h>

#include <array>
#include <atomic>

namespace capstan::app
{

/** The device callback: input -> (pre-chain meter and recorder) -> plugin chain -> file meter, waveform -> recorder
    (-> the outputs, when monitoring).

    On the audio thread it copies the input into a preallocated buffer and hands it to TakeRecorder::process() (which
    never blocks) before and after PluginChain::process() (which never waits). The meters measure exactly what each
    recorder is given, so they show what goes into the files. Takes
    start and stop at block boundaries; a take with a duration ends on its exact frame, mid-block if need be. The
    control thread asks for takes with startTake()/stopTake() and reads status() and the meters. */
class AudioEngine final : public juce::AudioIODeviceCallback
{
public:
    static constexpr int maxChannels = PluginChain::maxChannels;

    explicit AudioEngine(PluginChain& chain);
    ~AudioEngine() override;

    /** Control thread: applies to the next take. The pre-chain file uses the same settings with "_prechain" added to
        the pattern. */
    void setSettings(const TakeSettings& settings);
    void setPreChainRecording(bool enabled) { preChainEnabled.store(enabled); }
    bool isPreChainRecording() const { return preChainEnabled.load(); }

    /** Control thread: asks for a take; `durationSeconds` > 0 ends it after exactly that much audio. */
    void startTake(double durationSeconds = 0);
    void stopTake() { recordWanted.store(false); }
    void setPaused(bool shouldPause) { paused.store(shouldPause); }
    bool isPaused() const { return paused.load(); }
    /** True from startTake() until stopTake() or until the duration ran out. */
    bool isRecordWanted() const { return recordWanted.load(); }

    TakeRecorder::Status status() const { return post.status(); }
    TakeRecorder::Status preChainStatus() const { return pre.status(); }
    /** Control thread: the take's video source preview (see TakeRecorder::takeVideoPreview). */
    void setVideoPreviewWanted(bool wanted) { post.setVideoPreviewWanted(wanted); }
    bool takeVideoPreview(std::vector<uint8_t>& bgra, int& width, int& height, std::string& source)
    {
        return post.takeVideoPreview(bgra, width, height, source);
    }

    /** What goes into the take's file (after the chain), and the input before the chain (the pre-chain file's). */
    MeterTap& fileMeter() noexcept { return postMeter; }
    MeterTap& preChainMeter() noexcept { return preMeter; }
    /** The recorded samples of the take (after the chain), folded into 10 ms bins for the waveform. */
    WaveformAccumulator& waveform() noexcept { return wave; }
    /** Input monitoring: the signal going into the file (after the chain) is also played on the device's outputs.
        Off by default: a microphone near the speakers would feed back. Any thread. */
    void setMonitoring(bool enabled) { monitoring.store(enabled); }
    bool isMonitoring() const { return monitoring.load(); }
    int numInputChannels() const { return inputChannels.load(); }
    double sampleRate() const { return rate.load(); }
    int64_t framesProcessed() const { return processed.load(std::memory_order_relaxed); }

    void audioDeviceIOCallbackWithContext(const float* const* inputs, int numInputs, float* const* outputs,
                                          int numOutputs, int numFrames,
                                          const juce::AudioIODeviceCallbackContext& context) override;
    void audioDeviceAboutToStart(juce::AudioIODevice* device) override;
    void audioDeviceStopped() override;
    void audioDeviceError(const juce::String&) override { deviceFailed.store(true); }
    bool hasDeviceFailed() const { return deviceFailed.load(); }

    /** Runs one block as the device would (tests drive the engine without a device after prepare()). */
    void prepare(double sampleRate, int maxBlockFrames, int numChannels);

private:
    void processPiece(int offset, int numFrames, bool record) noexcept;

    PluginChain& chain;
    TakeRecorder post, pre;
    juce::AudioBuffer<float> buffer, preBuffer;
    std::array<float*, maxChannels> piece{}, prePiece{};
    std::atomic<bool> recordWanted{false}, paused{false}, preChainEnabled{false}, deviceFailed{false},
        monitoring{false};
    std::atomic<int64_t> framesLeft{-1}; ///< of a take with a duration; -1: no limit
    std::atomic<double> requestedDuration{0};
    bool wasRecording = false;     ///< audio thread
    bool preChainThisTake = false; ///< audio thread: latched when a take starts
    std::atomic<int> inputChannels{0};
    std::atomic<double> rate{48000};
    std::atomic<int64_t> processed{0};
    MeterTap postMeter, preMeter;
    WaveformAccumulator wave;
    static_assert(MeterTap::maxChannels >= maxChannels);
};

} // namespace capstan::app
