#pragma once

#include <capstan/session/TakeRecorder.h>
#include <capstan/session/TakeSettings.h>

#include <juce_audio_processors/juce_audio_processors.h>

#include <array>
#include <atomic>
#include <mutex>

namespace capstan::plugin
{

/** Capstan Capture: records the audio passing through it to files while leaving it untouched (the plugin never
    writes to the buffer, so its output is bit-exact and it adds no latency; only the Standalone silences its output
    against feedback, see setMonitoring()).

    Recording is on when the Record parameter is on, or when Follow transport and Arm are on and the host's transport
    plays (or records). Takes start and stop sample-exact at block boundaries; all file work happens on the
    TakeRecorder's worker thread. Settings that are not parameters (format, bit rate, folder, name pattern) live in
    the saved state (CaptureState). */
class CaptureProcessor : public juce::AudioProcessor, private juce::Timer
{
public:
    static constexpr int maxChannels = 8;
    static constexpr float maxPreRollSeconds = 30.0f;

    /** Parameter IDs (stable: hosts save automation and projects under them). */
    struct ParameterIds
    {
        static constexpr const char* record = "record";
        static constexpr const char* arm = "arm";
        static constexpr const char* followTransport = "followTransport";
        static constexpr const char* preRoll = "preRoll";
    };

    CaptureProcessor();
    ~CaptureProcessor() override;

    // AudioProcessor
    void prepareToPlay(double sampleRate, int maximumExpectedSamplesPerBlock) override;
    void releaseResources() override;
    bool isBusesLayoutSupported(const BusesLayout& layouts) const override;
    void processBlock(juce::AudioBuffer<float>&, juce::MidiBuffer&) override;
    using AudioProcessor::processBlock;

    juce::AudioProcessorEditor* createEditor() override;
    bool hasEditor() const override { return true; }

    const juce::String getName() const override { return "Capstan Capture"; }
    bool acceptsMidi() const override { return false; }
    bool producesMidi() const override { return false; }
    bool isMidiEffect() const override { return false; }
    double getTailLengthSeconds() const override { return 0.0; }

    int getNumPrograms() override { return 1; }
    int getCurrentProgram() override { return 0; }
    void setCurrentProgram(int) override {}
    const juce::String getProgramName(int) override { return {}; }
    void changeProgramName(int, const juce::String&) override {}

    void getStateInformation(juce::MemoryBlock& destData) override;
    void setStateInformation(const void* data, int sizeInBytes) override;

    void updateTrackProperties(const TrackProperties& properties) override;

    // For the editor and tests (message thread unless noted)
    juce::AudioProcessorValueTreeState& getParameters() noexcept { return parameters; }
    TakeSettings getSettings() const;
    /** Stores the settings (saved with the project) and hands them to the recorder for the next take. */
    void setSettings(const TakeSettings& newSettings);
    /** Counts setSettings() calls, so an open editor notices settings restored by the host. */
    int getSettingsGeneration() const noexcept { return settingsGeneration.load(); }
    TakeRecorder::Status getStatus() const { return recorder.status(); }
    juce::String getTrackName() const;
    /** Any thread: the peak magnitude of `channel` since the last call (resets it). */
    float takePeak(int channel) noexcept;
    /** Any thread: the highest |sample| of `channel` (above 1 when over full scale) and the number of samples at or
        over full scale (|x| >= 1), since the last resetHeldLevels() or the start of the last take. Measured on the
        block as it arrives, before anything (the Standalone's muting) touches it: what the take's file receives. */
    float heldPeak(int channel) const noexcept;
    int64_t clipCount(int channel) const noexcept;
    /** Any thread: the held peak and clip count restart from zero at the next block (done by the audio thread). */
    void resetHeldLevels() noexcept { heldResetWanted.store(true); }
    int getNumRecordedChannels() const noexcept { return numRecordedChannels.load(); }
    /** Any thread: what the last block asked the recorder for (Record, or the transport while following it). */
    bool isRecordRequested() const noexcept { return recordRequested.load(); }
    /** The Standalone build plays nothing by default: its input is a microphone and its output the speakers next to
        it. Monitoring on passes the input to the output as the plugin formats always do. */
    void setMonitoring(bool shouldMonitor) noexcept { monitoring.store(shouldMonitor); }
    bool isMonitoring() const noexcept { return monitoring.load(); }
    /** True when the output is silenced: the Standalone without monitoring. */
    bool isOutputMuted() const noexcept { return wrapperType == wrapperType_Standalone && !monitoring.load(); }

private:
    static juce::AudioProcessorValueTreeState::ParameterLayout createParameterLayout();
    void applySettings();
    void timerCallback() override;

    juce::AudioProcessorValueTreeState parameters;
    std::atomic<float>* recordParameter = nullptr;
    std::atomic<float>* armParameter = nullptr;
    std::atomic<float>* followTransportParameter = nullptr;
    std::atomic<float>* preRollParameter = nullptr;

    TakeRecorder recorder;

    mutable std::mutex settingsLock; ///< never taken on the audio thread
    TakeSettings settings;
    juce::String trackName;
    float appliedPreRoll = -1.0f;
    std::atomic<int> settingsGeneration{0};

    std::array<std::atomic<float>, maxChannels> peaks{}, heldPeaks{};
    std::array<std::atomic<int64_t>, maxChannels> clips{};
    std::atomic<bool> heldResetWanted{false};
    bool wasRecording = false; ///< audio thread: a take's start resets the held figures
    std::atomic<int> numRecordedChannels{0};
    std::atomic<bool> recordRequested{false};
    std::atomic<bool> monitoring{false};

    JUCE_DECLARE_NON_COPYABLE_WITH_LEAK_DETECTOR(CaptureProcessor)
};

} // namespace capstan::plugin
