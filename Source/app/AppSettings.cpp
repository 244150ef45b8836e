#include "AppSettings.h"

#include <capstan/media/Error.h>

namespace capstan::app
{

namespace
{
juce::PropertiesFile::Options fileOptions()
{
    juce::PropertiesFile::Options options;
    options.applicationName = "Capstan";
    options.filenameSuffix = ".xml";
    options.storageFormat = juce::PropertiesFile::storeAsXML;
    options.millisecondsBeforeSaving = -1; // saved explicitly after each change
    return options;
}
} // namespace

AppSettings::AppSettings(const juce::File& folder)
    : dir((folder.createDirectory(), folder)), props(folder.getChildFile("settings.xml"), fileOptions())
{
}

TakeSettings AppSettings::takeSettings() const
{
    TakeSettings settings;
    auto format = [&](const juce::String& id, RecordingFormat fallback)
    {
        try
        {
            return parseRecordingFormat(id.toStdString());
        }
        catch (const capstan::Error&)
        {
            return fallback; // a settings file from another version: keep the default rather than fail
        }
    };
    settings.format =
        format(props.getValue("format", juce::String(recordingFormatId(settings.format))), settings.format);
    for (const auto& id : juce::StringArray::fromTokens(props.getValue("extraFormats"), ",", ""))
        if (id.isNotEmpty())
            settings.extraFormats.push_back(format(id, settings.format));
    settings.bitrateKbps = props.getIntValue("bitrateKbps", settings.bitrateKbps);
    settings.folder = props.getValue("folder", juce::String(settings.folder)).toStdString();
    settings.pattern = props.getValue("pattern", juce::String(settings.pattern)).toStdString();
    settings.preRollSeconds = props.getDoubleValue("preRollSeconds", settings.preRollSeconds);
    settings.videoWidth = props.getIntValue("videoWidth", settings.videoWidth);
    settings.videoHeight = props.getIntValue("videoHeight", settings.videoHeight);
    settings.videoSource = props.getValue("videoSource", juce::String(settings.videoSource)).toStdString();
    settings.videoSourceScaled = props.getBoolValue("videoSourceScaled", settings.videoSourceScaled);
    return settings;
}

void AppSettings::setTakeSettings(const TakeSettings& settings)
{
    props.setValue("format", juce::String(recordingFormatId(settings.format)));
    juce::StringArray extras;
    for (auto extra : settings.extraFormats)
        extras.add(recordingFormatId(extra));
    props.setValue("extraFormats", extras.joinIntoString(","));
    props.setValue("bitrateKbps", settings.bitrateKbps);
    props.setValue("folder", juce::String(settings.folder));
    props.setValue("pattern", juce::String(settings.pattern));
    props.setValue("preRollSeconds", settings.preRollSeconds);
    props.setValue("videoWidth", settings.videoWidth);
    props.setValue("videoHeight", settings.videoHeight);
    props.setValue("videoSource", juce::String(settings.videoSource));
    props.setValue("videoSourceScaled", settings.videoSourceScaled);
    props.saveIfNeeded();
}

bool AppSettings::preChainRecording() const
{
    return props.getBoolValue("preChainRecording", false);
}

void AppSettings::setPreChainRecording(bool enabled)
{
    props.setValue("preChainRecording", enabled);
    props.saveIfNeeded();
}

std::unique_ptr<juce::XmlElement> AppSettings::deviceState() const
{
    return props.getXmlValue("audioDevice");
}

void AppSettings::setDeviceState(const juce::XmlElement* state)
{
    if (state == nullptr)
        props.removeValue("audioDevice");
    else
        props.setValue("audioDevice", state);
    props.saveIfNeeded();
}

void AppSettings::saveChain(const PluginChain& chain)
{
    juce::XmlElement xml("CHAIN");
    for (int i = 0; i < chain.size(); ++i)
    {
        auto* slot = xml.createNewChildElement("SLOT");
        slot->setAttribute("bypassed", chain.isBypassed(i));
        slot->addChildElement(chain.description(i).createXml().release());
        if (auto* processor = chain.processor(i))
        {
            juce::MemoryBlock state;
            processor->getStateInformation(state);
            slot->setAttribute("state", state.toBase64Encoding());
        }
    }
    props.setValue("chain", &xml);
    props.saveIfNeeded();
}

juce::String AppSettings::restoreChain(PluginChain& chain, PluginHost& host) const
{
    juce::StringArray problems;
    const auto xml = props.getXmlValue("chain");
    if (xml == nullptr)
        return {};
    for (auto* slot : xml->getChildWithTagNameIterator("SLOT"))
    {
        juce::PluginDescription description;
        if (auto* d = slot->getChildByName("PLUGIN"); d == nullptr || !description.loadFromXml(*d))
            continue;
        juce::String error;
        auto instance = host.create(description, chain.sampleRate(), chain.maxBlockFrames(), error);
        if (instance == nullptr)
        {
            problems.add(description.name + ": " + error);
            continue;
        }
        juce::MemoryBlock state;
        if (state.fromBase64Encoding(slot->getStringAttribute("state")) && state.getSize() > 0)
            instance->setStateInformation(state.getData(), int(state.getSize()));
        const int index = chain.insert(std::move(instance), description);
        chain.setBypassed(index, slot->getBoolAttribute("bypassed"));
    }
    return problems.joinIntoString("; ");
}

juce::StringArray AppSettings::recentTakes() const
{
    juce::StringArray files;
    if (auto xml = props.getXmlValue("recentTakes"))
        for (auto* take : xml->getChildWithTagNameIterator("TAKE"))
            files.add(take->getStringAttribute("path"));
    return files;
}

void AppSettings::addRecentTakes(const juce::StringArray& files)
{
    auto all = files;
    for (const auto& old : recentTakes())
        if (!all.contains(old))
            all.add(old);
    all.removeRange(50, all.size());
    juce::XmlElement xml("RECENT");
    for (const auto& file : all)
        xml.createNewChildElement("TAKE")->setAttribute("path", file);
    props.setValue("recentTakes", &xml);
    props.saveIfNeeded();
}

} // namespace capstan::app
