#pragma once

#include "AppSettings.h"
#include "AudioEngine.h"
#include "PluginChain.h"
#include "PluginHost.h"

#include <juce_audio_devices/juce_audio_devices.h>

namespace capstan::app
{

/** The app without its window: settings, device manager, plugin host, insert chain and the audio engine, wired
    together and persisted. The GUI (MainComponent) and the tests both drive this class. */
class AppCore : private juce::ChangeListener
{
public:
    /** Loads the settings, the known-plugin list and the saved chain from `settingsDir`. No device is opened yet. */
    explicit AppCore(const juce::File& settingsDir);
    ~AppCore() override;

    /** Opens the audio input: `backend` "dummy" (DummyAudioDevice), "alsa", "jack" (or a JUCE type name) with the
        optional `device` name, or, when `backend` is empty, the device saved last time (JUCE's default otherwise).
        Only a device chosen without `backend` is remembered. Returns an error text, empty when a device runs. */
    juce::String openAudio(const juce::String& backend = {}, const juce::String& device = {});
    void closeAudio();

    /** Creates `description`'s plugin and appends it to the chain (saved). Returns an error text or empty. */
    juce::String addPlugin(const juce::PluginDescription& description);
    /** "gain", a known plugin's name or identifier, or a .vst3/.lv2 file or LV2 URI (scanned first). */
    juce::String addPlugin(const juce::String& nameOrFile);
    void removePlugin(int index);
    void movePlugin(int from, int to);
    void setPluginBypassed(int index, bool bypassed);
    /** Saves the chain (with each plugin's state); the GUI calls it after a plugin's editor closes, too. */
    void saveChain() { settings.saveChain(chain); }

    /** The settings takes use now: the saved ones, unless a launch flag (--record, --format) overrode them. */
    TakeSettings takeSettings() const { return current; }
    /** Applies to the next take; `persist` false keeps the saved settings as they were (launch-flag overrides). */
    void setTakeSettings(const TakeSettings& takeSettings, bool persist = true);
    void setPreChainRecording(bool enabled);
    /** Input monitoring: what goes into the file is also played on the device's outputs. Not saved: every launch
        starts with it off (a microphone near the speakers feeds back). Turning it on opens the device's first two
        outputs when none are open and no take runs (reopening the device would end the take). Returns what stands in
        the way, empty when the input is heard. */
    juce::String setMonitoring(bool enabled);

    juce::AudioDeviceManager deviceManager;
    AppSettings settings;
    PluginHost host;
    PluginChain chain;
    AudioEngine engine{chain};
    juce::String chainRestoreProblems; ///< plugins of the saved chain that could not be created

private:
    void changeListenerCallback(juce::ChangeBroadcaster*) override;
    TakeSettings current;
    bool rememberDevice = false;
    bool audioOpen = false;
};

} // namespace capstan::app
