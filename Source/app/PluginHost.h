#pragma once

#include <juce_audio_processors/juce_audio_processors.h>

#include <functional>
#include <memory>

namespace capstan::app
{

/** Finds and creates plugins: VST3 and LV2 through JUCE's AudioPluginFormatManager, plus the built-in GainPlugin.
    The list of known plugins is saved as XML (plugins.xml in the settings folder) every time it changes, so a scan
    survives a restart. A scan runs on the message thread one file at a time (see Scanner), never on the audio
    thread. */
class PluginHost : private juce::ChangeListener
{
public:
    /** `listFile`: where the known-plugin list is loaded from and saved to (empty: not saved). */
    explicit PluginHost(const juce::File& listFile);
    ~PluginHost() override;

    juce::AudioPluginFormatManager& formats() { return formatManager; }
    juce::KnownPluginList& knownPlugins() { return known; }

    /** Scans the formats' default folders plus `extraFolders` (recursively), one file per message-loop turn;
        `onDone` is called on the message thread with the number of plugins added. */
    void startScan(const juce::StringArray& extraFolders, std::function<void(int)> onDone = {});
    bool isScanning() const;
    juce::String scanProgress() const; ///< "Scanning VST3: Foo.vst3" while a scan runs
    /** Synchronous: adds the plugin(s) in one file/bundle/URI to the known list. Returns their descriptions. */
    juce::Array<juce::PluginDescription> addFile(const juce::String& fileOrIdentifier);

    /** Creates an instance on the message thread; on failure returns nullptr and sets `error`. */
    std::unique_ptr<juce::AudioProcessor> create(const juce::PluginDescription& description, double sampleRate,
                                                 int blockFrames, juce::String& error);

    /** Finds a known plugin by name, file, identifier or "gain" (the built-in). */
    std::optional<juce::PluginDescription> find(const juce::String& nameOrIdentifier) const;

    void save() const;

private:
    class Scanner;
    void changeListenerCallback(juce::ChangeBroadcaster*) override;

    juce::File file;
    juce::AudioPluginFormatManager formatManager;
    juce::KnownPluginList known;
    std::unique_ptr<Scanner> scanner;
};

} // namespace capstan::app
