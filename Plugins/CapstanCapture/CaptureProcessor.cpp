#include "CaptureProcessor.h"

#include "CaptureEditor.h"
#include "CaptureState.h"

#include <algorithm>
#include <cmath>

namespace capstan::plugin
{

namespace
{
/** Raises `value` to `peak`; compare-and-swap, because the editor swaps in 0 at any time. */
void raise(std::atomic<float>& value, float peak) noexcept
{
    float current = value.load(std::memory_order_relaxed);
    while (peak > current && !value.compare_exchange_weak(current, peak, std::memory_order_relaxed))
    {
    }
}
} // namespace

CaptureProcessor::CaptureProcessor()
    : AudioProcessor(BusesProperties()
                         .withInput("Input", juce::AudioChannelSet::stereo(), true)
                         .withOutput("Output", juce::AudioChannelSet::stereo(), true)),
      parameters(*this, nullptr, "CapstanCapture", createParameterLayout())
{
    recordParameter = parameters.getRawParameterValue(ParameterIds::record);
    armParameter = parameters.getRawParameterValue(ParameterIds::arm);
    followTransportParameter = parameters.getRawParameterValue(ParameterIds::followTransport);
    preRollParameter = parameters.getRawParameterValue(ParameterIds::preRoll);
    applySettings();
    // Pre-roll is a parameter, but the recorder takes settings on a control thread: poll it from the message thread.
    startTimerHz(4);
}

CaptureProcessor::~CaptureProcessor()
{
    stopTimer();
}

juce::AudioProcessorValueTreeState::ParameterLayout CaptureProcessor::createParameterLayout()
{
    using namespace juce;
    AudioProcessorValueTreeState::ParameterLayout layout;
    layout.add(std::make_unique<AudioParameterBool>(ParameterID{ParameterIds::record, 1}, "Record", false));
    layout.add(std::make_unique<AudioParameterBool>(ParameterID{ParameterIds::arm, 1}, "Arm", true));
    layout.add(
        std::make_unique<AudioParameterBool>(ParameterID{ParameterIds::followTransport, 1}, "Follow transport", false));
    layout.add(std::make_unique<AudioParameterFloat>(ParameterID{ParameterIds::preRoll, 1}, "Pre-roll",
                                                     NormalisableRange<float>(0.0f, maxPreRollSeconds, 0.1f), 0.0f,
                                                     AudioParameterFloatAttributes().withLabel("s")));
    return layout;
}

void CaptureProcessor::prepareToPlay(double sampleRate, int maximumExpectedSamplesPerBlock)
{
    const int channels = juce::jlimit(1, maxChannels, getTotalNumInputChannels());
    numRecordedChannels.store(channels);
    applySettings();
    recorder.prepare(sampleRate, channels, juce::jmax(1, maximumExpectedSamplesPerBlock));
}

void CaptureProcessor::releaseResources()
{
    recorder.release();
}

bool CaptureProcessor::isBusesLayoutSupported(const BusesLayout& layouts) const
{
    const auto& in = layouts.getMainInputChannelSet();
    const auto& out = layouts.getMainOutputChannelSet();
    return in == out && in.size() >= 1 && in.size() <= maxChannels;
}

void CaptureProcessor::processBlock(juce::AudioBuffer<float>& buffer, juce::MidiBuffer&)
{
    // The buffer is only read (the Standalone may clear it at the end): whatever came in goes out untouched.
    const int numFrames = buffer.getNumSamples();
    const int numChannels = juce::jmin(buffer.getNumChannels(), getTotalNumInputChannels(), maxChannels);

    bool transportRolling = false;
    if (auto* head = getPlayHead())
        if (const auto position = head->getPosition())
            transportRolling = position->getIsPlaying() || position->getIsRecording();

    const bool record = recordParameter->load(std::memory_order_relaxed) >= 0.5f ||
                        (followTransportParameter->load(std::memory_order_relaxed) >= 0.5f &&
                         armParameter->load(std::memory_order_relaxed) >= 0.5f && transportRolling);
    recordRequested.store(record, std::memory_order_relaxed);

    // The held peak and clip count start over with each take (so after it they are the take's) and on request.
    const bool resetHeld = heldResetWanted.exchange(false, std::memory_order_relaxed) || (record && !wasRecording);
    wasRecording = record;
    for (int channel = 0; channel < numChannels; ++channel)
    {
        const float* samples = buffer.getReadPointer(channel);
        float peak = 0.0f;
        int64_t overs = 0;
        for (int i = 0; i < numFrames; ++i)
        {
            const float magnitude = std::abs(samples[i]);
            peak = std::max(peak, magnitude); // NaN never wins: the file gets silence there
            overs += magnitude >= 1.0f ? 1 : 0;
        }
        raise(peaks[size_t(channel)], peak);
        if (resetHeld)
        {
            heldPeaks[size_t(channel)].store(peak, std::memory_order_relaxed);
            clips[size_t(channel)].store(overs, std::memory_order_relaxed);
        }
        else
        {
            raise(heldPeaks[size_t(channel)], peak);
            clips[size_t(channel)].fetch_add(overs, std::memory_order_relaxed);
        }
    }

    if (numChannels > 0)
        recorder.process(buffer.getArrayOfReadPointers(), numChannels, numFrames, record);
    // The recorder has copied the block: the Standalone's speakers get silence, not the microphone (feedback).
    if (isOutputMuted())
        buffer.clear();
}

juce::AudioProcessorEditor* CaptureProcessor::createEditor()
{
    return new CaptureEditor(*this);
}

void CaptureProcessor::getStateInformation(juce::MemoryBlock& destData)
{
    auto state = parameters.copyState();
    CaptureState::writeSettings(state, getSettings());
    if (auto xml = state.createXml())
        copyXmlToBinary(*xml, destData);
}

void CaptureProcessor::setStateInformation(const void* data, int sizeInBytes)
{
    const auto xml = getXmlFromBinary(data, sizeInBytes);
    if (xml == nullptr || !xml->hasTagName(parameters.state.getType()))
        return; // not our state: keep the current one
    const auto state = juce::ValueTree::fromXml(*xml);
    parameters.replaceState(state);
    // A project saved while recording must not start a take the moment it opens: Record always loads off
    // (automation and the user turn it on again).
    if (auto* record = parameters.getParameter(ParameterIds::record))
        record->setValueNotifyingHost(0.0f);
    setSettings(CaptureState::readSettings(state));
}

void CaptureProcessor::updateTrackProperties(const TrackProperties& properties)
{
    {
        const std::lock_guard lock(settingsLock);
        trackName = properties.name;
    }
    recorder.setTrackName(properties.name.toStdString());
}

TakeSettings CaptureProcessor::getSettings() const
{
    const std::lock_guard lock(settingsLock);
    auto copy = settings;
    copy.preRollSeconds = preRollParameter->load();
    return copy;
}

void CaptureProcessor::setSettings(const TakeSettings& newSettings)
{
    {
        const std::lock_guard lock(settingsLock);
        settings = newSettings;
    }
    applySettings();
    ++settingsGeneration;
}

juce::String CaptureProcessor::getTrackName() const
{
    const std::lock_guard lock(settingsLock);
    return trackName;
}

void CaptureProcessor::applySettings()
{
    TakeSettings copy;
    {
        const std::lock_guard lock(settingsLock);
        appliedPreRoll = preRollParameter->load();
        copy = settings;
        copy.preRollSeconds = appliedPreRoll;
    }
    recorder.setSettings(copy);
}

void CaptureProcessor::timerCallback()
{
    float applied;
    {
        const std::lock_guard lock(settingsLock);
        applied = appliedPreRoll;
    }
    if (preRollParameter->load() != applied)
        applySettings();
}

float CaptureProcessor::heldPeak(int channel) const noexcept
{
    return juce::isPositiveAndBelow(channel, maxChannels) ? heldPeaks[size_t(channel)].load(std::memory_order_relaxed)
                                                          : 0.0f;
}

int64_t CaptureProcessor::clipCount(int channel) const noexcept
{
    return juce::isPositiveAndBelow(channel, maxChannels) ? clips[size_t(channel)].load(std::memory_order_relaxed) : 0;
}

float CaptureProcessor::takePeak(int channel) noexcept
{
    if (channel < 0 || channel >= maxChannels)
        return 0.0f;
    return peaks[size_t(channel)].exchange(0.0f, std::memory_order_relaxed);
}

} // namespace capstan::plugin
