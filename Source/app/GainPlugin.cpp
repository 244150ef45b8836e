#include "GainPlugin.h"

namespace capstan::app
{

GainPlugin::GainPlugin()
    : juce::AudioProcessor(BusesProperties()
                               .withInput("Input", juce::AudioChannelSet::stereo())
                               .withOutput("Output", juce::AudioChannelSet::stereo()))
{
    auto parameter = std::make_unique<juce::AudioParameterFloat>(
        juce::ParameterID("gain", 1), "Gain", juce::NormalisableRange<float>(-60.0f, 24.0f, 0.1f), 0.0f,
        juce::AudioParameterFloatAttributes().withLabel("dB"));
    gain = parameter.get();
    addParameter(parameter.release());
}

juce::PluginDescription GainPlugin::description()
{
    juce::PluginDescription d;
    d.name = "Capstan Gain";
    d.descriptiveName = "Gain in dB (built in)";
    d.pluginFormatName = "Internal";
    d.category = "Utility";
    d.manufacturerName = "Capstan";
    d.version = "1.0";
    d.fileOrIdentifier = identifier;
    d.uniqueId = d.deprecatedUid = 0x43677461; // stable, so saved chains find it again
    d.isInstrument = false;
    d.numInputChannels = 2;
    d.numOutputChannels = 2;
    return d;
}

bool GainPlugin::isBusesLayoutSupported(const BusesLayout& layouts) const
{
    const auto in = layouts.getMainInputChannelSet();
    return !in.isDisabled() && in == layouts.getMainOutputChannelSet() && in.size() <= 8;
}

void GainPlugin::processBlock(juce::AudioBuffer<float>& buffer, juce::MidiBuffer&)
{
    // Ramps from the last block's gain, so that moving the slider does not click.
    const float target = juce::Decibels::decibelsToGain(gain->get(), -60.0f);
    for (int c = 0; c < buffer.getNumChannels(); ++c)
        buffer.applyGainRamp(c, 0, buffer.getNumSamples(), lastGain, target);
    lastGain = target;
}

juce::AudioProcessorEditor* GainPlugin::createEditor()
{
    return new juce::GenericAudioProcessorEditor(*this);
}

void GainPlugin::getStateInformation(juce::MemoryBlock& destData)
{
    juce::XmlElement xml("CapstanGain");
    xml.setAttribute("gainDb", double(gain->get()));
    copyXmlToBinary(xml, destData);
}

void GainPlugin::setStateInformation(const void* data, int sizeInBytes)
{
    if (auto xml = getXmlFromBinary(data, sizeInBytes))
        setGainDb(float(xml->getDoubleAttribute("gainDb", 0.0)));
}

void GainPlugin::setGainDb(float db)
{
    *gain = db;
    lastGain = juce::Decibels::decibelsToGain(gain->get(), -60.0f);
}

} // namespace capstan::app
