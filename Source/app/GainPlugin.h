#pragma once

#include <juce_audio_processors/juce_audio_processors.h>

namespace capstan::app
{

/** The app's one built-in insert: a gain in dB, so that a chain can be built and heard with no plugin installed. The
    chain holds juce::AudioProcessors, so it treats this one like any scanned plugin (its format is "Internal"). */
class GainPlugin final : public juce::AudioProcessor
{
public:
    static constexpr const char* identifier = "internal:gain";

    GainPlugin();

    static juce::PluginDescription description();

    const juce::String getName() const override { return "Capstan Gain"; }
    void prepareToPlay(double, int) override {}
    void releaseResources() override {}
    void processBlock(juce::AudioBuffer<float>& buffer, juce::MidiBuffer&) override;
    bool isBusesLayoutSupported(const BusesLayout& layouts) const override;

    double getTailLengthSeconds() const override { return 0; }
    bool acceptsMidi() const override { return false; }
    bool producesMidi() const override { return false; }
    bool hasEditor() const override { return true; }
    juce::AudioProcessorEditor* createEditor() override;

    int getNumPrograms() override { return 1; }
    int getCurrentProgram() override { return 0; }
    void setCurrentProgram(int) override {}
    const juce::String getProgramName(int) override { return {}; }
    void changeProgramName(int, const juce::String&) override {}

    void getStateInformation(juce::MemoryBlock& destData) override;
    void setStateInformation(const void* data, int sizeInBytes) override;

    juce::AudioParameterFloat& gainDb() { return *gain; }
    /** Before the plugin runs: sets the gain with no ramp from 0 dB on the first block. */
    void setGainDb(float db);

private:
    juce::AudioParameterFloat* gain = nullptr;
    float lastGain = 1.0f;
};

} // namespace capstan::app
