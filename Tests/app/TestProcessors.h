#pragma once

// In-process test plugins: the simplest AudioProcessors whose effect a test can compute exactly.

#include <juce_audio_processors/juce_audio_processors.h>

#include <functional>

namespace capstan::test
{

/** Applies `function` to every sample of every channel. */
class SampleFunctionProcessor final : public juce::AudioProcessor
{
public:
    SampleFunctionProcessor(juce::String nameIn, std::function<float(float)> functionIn)
        : juce::AudioProcessor(BusesProperties()
                                   .withInput("In", juce::AudioChannelSet::stereo())
                                   .withOutput("Out", juce::AudioChannelSet::stereo())),
          name(std::move(nameIn)), function(std::move(functionIn))
    {
    }

    static juce::PluginDescription describe(const juce::String& name)
    {
        juce::PluginDescription d;
        d.name = name;
        d.pluginFormatName = "Test";
        d.fileOrIdentifier = "test:" + name;
        return d;
    }

    const juce::String getName() const override { return name; }
    void prepareToPlay(double, int) override { ++prepared; }
    void releaseResources() override {}
    void processBlock(juce::AudioBuffer<float>& buffer, juce::MidiBuffer&) override
    {
        for (int c = 0; c < buffer.getNumChannels(); ++c)
            for (int i = 0; i < buffer.getNumSamples(); ++i)
                buffer.setSample(c, i, function(buffer.getSample(c, i)));
        ++blocks;
    }
    bool isBusesLayoutSupported(const BusesLayout& layouts) const override
    {
        return layouts.getMainInputChannelSet() == layouts.getMainOutputChannelSet();
    }
    double getTailLengthSeconds() const override { return 0; }
    bool acceptsMidi() const override { return false; }
    bool producesMidi() const override { return false; }
    bool hasEditor() const override { return false; }
    juce::AudioProcessorEditor* createEditor() override { return nullptr; }
    int getNumPrograms() override { return 1; }
    int getCurrentProgram() override { return 0; }
    void setCurrentProgram(int) override {}
    const juce::String getProgramName(int) override { return {}; }
    void changeProgramName(int, const juce::String&) override {}
    void getStateInformation(juce::MemoryBlock&) override {}
    void setStateInformation(const void*, int) override {}

    int prepared = 0;
    int blocks = 0;

private:
    juce::String name;
    std::function<float(float)> function;
};

inline float half(float x)
{
    return x * 0.5f;
}

inline float clipAtTenth(float x)
{
    return juce::jlimit(-0.1f, 0.1f, x);
}

} // namespace capstan::test
