#include "CaptureState.h"

namespace capstan::plugin
{

namespace ids
{
const juce::Identifier version{"version"};
const juce::Identifier format{"format"};
const juce::Identifier extraFormats{"extraFormats"};
const juce::Identifier bitrateKbps{"bitrateKbps"};
const juce::Identifier folder{"folder"};
const juce::Identifier pattern{"pattern"};
} // namespace ids

namespace
{
bool tryParseFormat(const juce::String& id, RecordingFormat& format)
{
    try
    {
        format = parseRecordingFormat(id.toStdString());
        return true;
    }
    catch (const std::exception&)
    {
        return false; // an id from a newer version, or garbage: keep the default
    }
}
} // namespace

void CaptureState::writeSettings(juce::ValueTree& tree, const TakeSettings& settings)
{
    tree.setProperty(ids::version, currentVersion, nullptr);
    tree.setProperty(ids::format, juce::String(recordingFormatId(settings.format)), nullptr);
    juce::StringArray extras;
    for (auto format : settings.extraFormats)
        extras.add(recordingFormatId(format));
    tree.setProperty(ids::extraFormats, extras.joinIntoString(","), nullptr);
    tree.setProperty(ids::bitrateKbps, settings.bitrateKbps, nullptr);
    tree.setProperty(ids::folder, juce::String(settings.folder), nullptr);
    tree.setProperty(ids::pattern, juce::String(settings.pattern), nullptr);
}

TakeSettings CaptureState::readSettings(const juce::ValueTree& tree)
{
    TakeSettings settings;
    if (tree.hasProperty(ids::format))
        tryParseFormat(tree[ids::format].toString(), settings.format);
    if (tree.hasProperty(ids::extraFormats))
    {
        for (auto& id : juce::StringArray::fromTokens(tree[ids::extraFormats].toString(), ",", ""))
        {
            RecordingFormat format;
            if (id.isNotEmpty() && tryParseFormat(id, format) && format != settings.format)
                settings.extraFormats.push_back(format);
        }
    }
    if (tree.hasProperty(ids::bitrateKbps))
    {
        const int kbps = tree[ids::bitrateKbps];
        if (kbps >= 8 && kbps <= 1024)
            settings.bitrateKbps = kbps;
    }
    if (tree.hasProperty(ids::folder))
        settings.folder = tree[ids::folder].toString().toStdString();
    if (tree.hasProperty(ids::pattern) && tree[ids::pattern].toString().isNotEmpty())
        settings.pattern = tree[ids::pattern].toString().toStdString();
    return settings;
}

int CaptureState::versionOf(const juce::ValueTree& tree)
{
    return tree.getProperty(ids::version, 0);
}

} // namespace capstan::plugin
