#include "TakeList.h"

#include "HealthPanel.h"

#include <capstan/media/Error.h>
#include <capstan/media/MediaReader.h>

namespace capstan::app
{

void TakeList::setFiles(const juce::StringArray& paths)
{
    entries.clear();
    std::map<juce::String, Known> kept;
    for (const auto& path : paths)
    {
        Entry entry;
        entry.file = juce::File(path);
        entry.exists = entry.file.existsAsFile();
        if (entry.exists)
        {
            entry.bytes = entry.file.getSize();
            const auto modified = entry.file.getLastModificationTime();
            auto found = cache.find(path);
            if (found != cache.end() && found->second.bytes == entry.bytes && found->second.modified == modified)
                entry.seconds = found->second.seconds;
            else
            {
                entry.seconds = readDuration(entry.file);
                ++reads;
            }
            kept[path] = {entry.bytes, modified, entry.seconds};
        }
        entries.push_back(entry);
    }
    cache = std::move(kept);
}

std::optional<double> TakeList::readDuration(const juce::File& file)
{
    try
    {
        MediaReader reader(file.getFullPathName().toStdString(), {}, {}, 1.0);
        return reader.duration();
    }
    catch (const capstan::Error&)
    {
        return std::nullopt; // an empty or damaged file: listed, without a duration
    }
}

juce::String TakeList::durationText(std::optional<double> seconds)
{
    if (!seconds.has_value() || *seconds < 0)
        return "?";
    if (*seconds >= 3600.0)
        return HealthPanel::formatTime(*seconds); // H:MM:SS.t
    const int total = int(*seconds);
    return juce::String(total / 60) + ":" + juce::String(total % 60).paddedLeft('0', 2) + "." +
           juce::String(int((*seconds - total) * 10.0));
}

bool TakeList::play(const juce::File& file)
{
    return file.existsAsFile() && file.startAsProcess();
}

bool TakeList::reveal(const juce::File& file)
{
    const auto folder = file.getParentDirectory();
    return folder.isDirectory() && folder.startAsProcess();
}

} // namespace capstan::app
