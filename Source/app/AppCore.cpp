#include "AppCore.h"

#include "DummyAudioDevice.h"
#include "GainPlugin.h"

#include <capstan/devices/JackMessages.h>

namespace capstan::app
{

AppCore::AppCore(const juce::File& settingsDir) : settings(settingsDir), host(settings.pluginListFile())
{
    // The chain is prepared for a default stream so that saved plugins can be created before a device runs; the
    // device's real rate and block size re-prepare it when it starts.
    chain.prepare(48000, 512, 2);
    chainRestoreProblems = settings.restoreChain(chain, host);
    current = settings.takeSettings();
    engine.setSettings(current);
    engine.setPreChainRecording(settings.preChainRecording());

    // The device manager's own types (ALSA, JACK) must be created before ours is added: it only creates them when
    // it has none.
    quietenJack();
    deviceManager.getAvailableDeviceTypes();
    deviceManager.addAudioDeviceType(std::make_unique<DummyAudioDeviceType>());
}

AppCore::~AppCore()
{
    closeAudio();
    deviceManager.removeChangeListener(this);
    host.save();
}

juce::String AppCore::openAudio(const juce::String& backend, const juce::String& device)
{
    closeAudio();
    std::unique_ptr<juce::XmlElement> state;
    rememberDevice = backend.isEmpty();
    if (rememberDevice)
    {
        state = settings.deviceState();
    }
    else
    {
        juce::String type = backend;
        for (auto* t : deviceManager.getAvailableDeviceTypes())
            if (t->getTypeName().equalsIgnoreCase(backend))
                type = t->getTypeName();
        auto* found = [&]() -> juce::AudioIODeviceType*
        {
            for (auto* t : deviceManager.getAvailableDeviceTypes())
                if (t->getTypeName() == type)
                    return t;
            return nullptr;
        }();
        if (found == nullptr)
        {
            juce::StringArray names;
            for (auto* t : deviceManager.getAvailableDeviceTypes())
                names.add(t->getTypeName().toLowerCase());
            return "unknown audio backend '" + backend + "' (this build has: " + names.joinIntoString(", ") + ")";
        }
        found->scanForDevices();
        const auto name =
            device.isNotEmpty() ? device : found->getDeviceNames(true)[found->getDefaultDeviceIndex(true)];
        state = std::make_unique<juce::XmlElement>("DEVICESETUP");
        state->setAttribute("deviceType", type);
        state->setAttribute("audioInputDeviceName", name);
        if (!found->hasSeparateInputsAndOutputs())
            state->setAttribute("audioOutputDeviceName", name);
    }
    auto error = deviceManager.initialise(2, 0, state.get(), rememberDevice);
    // A saved state may name a type but no device (none was chosen): open that type's default input.
    if (error.isEmpty() && deviceManager.getCurrentAudioDevice() == nullptr)
    {
        if (auto* type = deviceManager.getCurrentDeviceTypeObject())
        {
            type->scanForDevices();
            const auto names = type->getDeviceNames(true);
            if (!names.isEmpty())
            {
                auto setup = deviceManager.getAudioDeviceSetup();
                setup.inputDeviceName = names[juce::jmax(0, type->getDefaultDeviceIndex(true))];
                if (!type->hasSeparateInputsAndOutputs())
                    setup.outputDeviceName = setup.inputDeviceName;
                error = deviceManager.setAudioDeviceSetup(setup, rememberDevice);
            }
        }
    }
    deviceManager.addAudioCallback(&engine);
    deviceManager.addChangeListener(this);
    audioOpen = true;
    if (error.isEmpty() && deviceManager.getCurrentAudioDevice() == nullptr)
        error = "no audio input device opened";
    if (error.isEmpty() && deviceManager.getCurrentAudioDevice()->getActiveInputChannels().isZero())
        error = "no channels";
    if (error == "no channels") // JUCE's own words (ALSA): say which device
        error = "'" + deviceManager.getAudioDeviceSetup().inputDeviceName + "' gives no input channels";
    if (error.isNotEmpty())
        error << ". Choose an input in Audio settings... (or start with --audio-backend dummy to try the app)";
    return error;
}

void AppCore::closeAudio()
{
    if (!audioOpen)
        return;
    changeListenerCallback(nullptr); // change messages are asynchronous: save the last choice now
    deviceManager.removeChangeListener(this);
    deviceManager.removeAudioCallback(&engine);
    deviceManager.closeAudioDevice();
    audioOpen = false;
}

void AppCore::changeListenerCallback(juce::ChangeBroadcaster*)
{
    if (rememberDevice)
        if (auto state = deviceManager.createStateXml())
            settings.setDeviceState(state.get());
}

juce::String AppCore::addPlugin(const juce::PluginDescription& description)
{
    juce::String error;
    auto instance = host.create(description, chain.sampleRate(), chain.maxBlockFrames(), error);
    if (instance == nullptr)
        return error;
    chain.insert(std::move(instance), description);
    saveChain();
    return {};
}

juce::String AppCore::addPlugin(const juce::String& nameOrFile)
{
    // gain:DB is the built-in gain already set, so a script can put a known gain in the chain.
    if (nameOrFile.startsWith("gain:"))
    {
        const auto text = nameOrFile.fromFirstOccurrenceOf(":", false, false).trim();
        const double db = text.getDoubleValue();
        if (!text.containsOnly("+-.0123456789") || text.isEmpty() || db < -60.0 || db > 24.0)
            return "gain:DB takes a gain in dB from -60 to +24, not '" + text + "'";
        auto gain = std::make_unique<GainPlugin>();
        gain->setGainDb(float(db));
        chain.insert(std::move(gain), GainPlugin::description());
        saveChain();
        return {};
    }
    auto description = host.find(nameOrFile);
    if (!description.has_value())
    {
        const auto found = host.addFile(nameOrFile);
        if (found.isEmpty())
            return "no plugin found for '" + nameOrFile +
                   "' (give gain, a known plugin's name, a .vst3 bundle or "
                   "an LV2 bundle/URI)";
        description = found.getFirst();
    }
    return addPlugin(*description);
}

void AppCore::removePlugin(int index)
{
    auto removed = chain.remove(index); // destroyed here, on the message thread, after leaving the chain
    removed.reset();
    saveChain();
}

void AppCore::movePlugin(int from, int to)
{
    chain.move(from, to);
    saveChain();
}

void AppCore::setPluginBypassed(int index, bool bypassed)
{
    chain.setBypassed(index, bypassed);
    saveChain();
}

void AppCore::setTakeSettings(const TakeSettings& takeSettings, bool persist)
{
    current = takeSettings;
    if (persist)
        settings.setTakeSettings(takeSettings);
    engine.setSettings(takeSettings);
}

void AppCore::setPreChainRecording(bool enabled)
{
    settings.setPreChainRecording(enabled);
    engine.setPreChainRecording(enabled);
}

juce::String AppCore::setMonitoring(bool enabled)
{
    engine.setMonitoring(enabled);
    auto* device = deviceManager.getCurrentAudioDevice();
    if (!enabled || (device != nullptr && !device->getActiveOutputChannels().isZero()))
        return {};
    if (device == nullptr)
        return "no audio device is open";
    if (engine.isRecordWanted())
        return "'" + device->getName() + "' has no output open; it can be opened after the take";
    // The device is opened with inputs only (an output is not needed to record): add its first two outputs.
    const auto previous = deviceManager.getAudioDeviceSetup();
    auto setup = previous;
    auto* type = deviceManager.getCurrentDeviceTypeObject();
    if (setup.outputDeviceName.isEmpty() && type != nullptr)
        setup.outputDeviceName = type->hasSeparateInputsAndOutputs()
                                     ? type->getDeviceNames(false)[juce::jmax(0, type->getDefaultDeviceIndex(false))]
                                     : setup.inputDeviceName;
    setup.useDefaultOutputChannels = false;
    setup.outputChannels.clear();
    setup.outputChannels.setRange(0, 2, true);
    auto error = deviceManager.setAudioDeviceSetup(setup, rememberDevice);
    device = deviceManager.getCurrentAudioDevice();
    if (error.isEmpty() && (device == nullptr || device->getActiveOutputChannels().isZero()))
        error = "'" + setup.outputDeviceName + "' has no outputs";
    if (error.isNotEmpty())
    {
        deviceManager.setAudioDeviceSetup(previous, rememberDevice);
        return "cannot play the input: " + error + ". Choose an output in Audio settings...";
    }
    return {};
}

} // namespace capstan::app
