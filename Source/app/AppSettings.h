#pragma once

#include "PluginChain.h"
#include "PluginHost.h"

#include <capstan/session/TakeSettings.h>

#include <juce_data_structures/juce_data_structures.h>

namespace capstan::app
{

/** Everything the app remembers between launches, in one folder (see resolveSettingsDir()):
    settings.xml (a juce::PropertiesFile: take settings, the audio device's state, the insert chain with each
    plugin's state, recent takes) and plugins.xml (the known-plugin list, see PluginHost). Every setter saves at
    once, so a crash loses nothing. */
class AppSettings
{
public:
    explicit AppSettings(const juce::File& folder);

    const juce::File& folder() const { return dir; }
    juce::File pluginListFile() const { return dir.getChildFile("plugins.xml"); }
    juce::File settingsFile() const { return dir.getChildFile("settings.xml"); }

    TakeSettings takeSettings() const;
    void setTakeSettings(const TakeSettings& settings);

    bool preChainRecording() const;
    void setPreChainRecording(bool enabled);

    std::unique_ptr<juce::XmlElement> deviceState() const;
    void setDeviceState(const juce::XmlElement* state);

    /** The chain as plugin descriptions, bypass flags and each plugin's own state (base64). */
    void saveChain(const PluginChain& chain);
    /** Recreates the saved chain; plugins that cannot be created are skipped and named in the returned text. */
    juce::String restoreChain(PluginChain& chain, PluginHost& host) const;

    juce::StringArray recentTakes() const;
    void addRecentTakes(const juce::StringArray& files); ///< newest first, at most 50 kept

    juce::PropertiesFile& properties() { return props; }

private:
    juce::File dir;
    mutable juce::PropertiesFile props;
};

} // namespace capstan::app
