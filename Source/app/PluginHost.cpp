#include "PluginHost.h"

#include "GainPlugin.h"

namespace capstan::app
{

/** Scans one plugin file per message-loop turn. JUCE's VST3 host must describe a plugin on the message thread
    (JUCE_ASSERT_MESSAGE_THREAD in its bus queries), so the scan is spread over timer callbacks there instead of
    running on a thread of its own: the window stays responsive between files and the audio thread is never involved. */
class PluginHost::Scanner final : private juce::Timer
{
public:
    Scanner(PluginHost& hostIn, juce::StringArray extraIn, std::function<void(int)> onDoneIn)
        : host(hostIn), extra(std::move(extraIn)), onDone(std::move(onDoneIn)), before(host.known.getNumTypes())
    {
        startTimer(1);
    }

    bool isRunning() const { return isTimerRunning(); }
    juce::String progress() const { return text; }

private:
    void timerCallback() override
    {
        if (scanner == nullptr)
        {
            const auto& formats = host.formatManager.getFormats();
            if (nextFormat >= formats.size())
            {
                stopTimer();
                text = {};
                if (onDone)
                    onDone(host.known.getNumTypes() - before);
                return;
            }
            auto* format = formats[nextFormat++];
            auto folders = format->getDefaultLocationsToSearch();
            for (const auto& folder : extra)
                folders.add(juce::File(folder));
            folders.removeRedundantPaths();
            // No dead-man's-pedal file: a plugin that crashes the scan is not remembered as bad.
            scanner =
                std::make_unique<juce::PluginDirectoryScanner>(host.known, *format, folders, true, juce::File(), false);
            formatName = format->getName();
        }
        text = formatName + ": " + scanner->getNextPluginFileThatWillBeScanned();
        juce::String name;
        if (!scanner->scanNextFile(true, name))
            scanner.reset();
    }

    PluginHost& host;
    juce::StringArray extra;
    std::function<void(int)> onDone;
    int before = 0;
    int nextFormat = 0;
    std::unique_ptr<juce::PluginDirectoryScanner> scanner;
    juce::String formatName, text;
};

PluginHost::PluginHost(const juce::File& listFile) : file(listFile)
{
    formatManager.addDefaultFormats(); // VST3 and LV2 in this build (JUCE_PLUGINHOST_VST3/LV2)
    if (file.existsAsFile())
        if (auto xml = juce::XmlDocument::parse(file))
            known.recreateFromXml(*xml);
    if (known.getTypeForFile(GainPlugin::identifier) == nullptr)
        known.addType(GainPlugin::description());
    known.addChangeListener(this);
}

PluginHost::~PluginHost()
{
    scanner.reset();
    known.removeChangeListener(this);
    save(); // change messages are asynchronous: the last ones may not have been delivered
}

void PluginHost::startScan(const juce::StringArray& extraFolders, std::function<void(int)> onDone)
{
    if (isScanning())
        return;
    scanner = std::make_unique<Scanner>(*this, extraFolders, std::move(onDone));
}

bool PluginHost::isScanning() const
{
    return scanner != nullptr && scanner->isRunning();
}

juce::String PluginHost::scanProgress() const
{
    return scanner != nullptr ? scanner->progress() : juce::String();
}

juce::Array<juce::PluginDescription> PluginHost::addFile(const juce::String& fileOrIdentifier)
{
    juce::OwnedArray<juce::PluginDescription> found;
    for (auto* format : formatManager.getFormats())
    {
        if (!format->fileMightContainThisPluginType(fileOrIdentifier))
            continue;
        // JUCE's LV2 host only knows bundles under the folders it searched: search the bundle's parent first.
        if (format->getName() == "LV2" && juce::File::isAbsolutePath(fileOrIdentifier))
            format->searchPathsForPlugins(
                juce::FileSearchPath(juce::File(fileOrIdentifier).getParentDirectory().getFullPathName()), true, false);
        known.scanAndAddFile(fileOrIdentifier, false, found, *format);
    }
    juce::Array<juce::PluginDescription> result;
    for (auto* description : found)
        result.add(*description);
    return result;
}

std::unique_ptr<juce::AudioProcessor> PluginHost::create(const juce::PluginDescription& description, double sampleRate,
                                                         int blockFrames, juce::String& error)
{
    if (description.pluginFormatName == "Internal")
    {
        if (description.fileOrIdentifier == GainPlugin::identifier)
            return std::make_unique<GainPlugin>();
        error =
            "unknown built-in plugin '" + description.fileOrIdentifier + "' (built in: " + GainPlugin::identifier + ")";
        return nullptr;
    }
    auto instance = formatManager.createPluginInstance(description, sampleRate, blockFrames, error);
    if (instance == nullptr && error.isEmpty())
        error = "could not create " + description.name;
    return instance;
}

std::optional<juce::PluginDescription> PluginHost::find(const juce::String& key) const
{
    if (key == "gain" || key == GainPlugin::identifier)
        return GainPlugin::description();
    for (const auto& type : known.getTypes())
        if (type.fileOrIdentifier == key || type.name == key || type.createIdentifierString() == key ||
            (juce::File::isAbsolutePath(type.fileOrIdentifier) &&
             juce::File(type.fileOrIdentifier) == juce::File::getCurrentWorkingDirectory().getChildFile(key)))
            return type;
    return std::nullopt;
}

void PluginHost::save() const
{
    if (file == juce::File())
        return;
    if (auto xml = known.createXml())
    {
        // Unchanged lists are not rewritten: a launch that changes nothing leaves the settings folder as it was.
        const auto text = xml->toString();
        if (file.existsAsFile() && file.loadFileAsString() == text)
            return;
        file.getParentDirectory().createDirectory();
        file.replaceWithText(text);
    }
}

void PluginHost::changeListenerCallback(juce::ChangeBroadcaster*)
{
    save();
}

} // namespace capstan::app
