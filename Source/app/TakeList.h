#pragma once

#include <juce_core/juce_core.h>

#include <map>
#include <optional>

namespace capstan::app
{

/** The recent takes as the window lists them, newest first: each file with whether it still exists, its size and its
    duration. The duration is read from the file's container by FFmpeg (capstan::MediaReader) once and kept while the
    file's size and modification time stay the same, so a list refreshed at every finished take reads each file once.
    Message thread. */
class TakeList
{
public:
    struct Entry
    {
        juce::File file;
        bool exists = false;
        int64_t bytes = 0;
        std::optional<double> seconds; ///< empty when the file is missing or FFmpeg cannot tell
    };

    /** Replaces the list with `paths` (newest first), reusing what is known of unchanged files. */
    void setFiles(const juce::StringArray& paths);
    int size() const noexcept { return int(entries.size()); }
    const Entry& operator[](int index) const { return entries[size_t(index)]; }

    /** "0:03.0", "1:02:03.5"; "?" when unknown. */
    static juce::String durationText(std::optional<double> seconds);
    /** Reads a file's duration (nothing when it cannot be read). */
    static std::optional<double> readDuration(const juce::File& file);

    /** Plays the take with the desktop's default player (xdg-open through juce::File::startAsProcess). */
    static bool play(const juce::File& file);
    /** Opens the folder that holds the take in the desktop's file manager. */
    static bool reveal(const juce::File& file);

    int durationsRead() const noexcept { return reads; } ///< how many files were opened to read a duration

private:
    struct Known
    {
        int64_t bytes = -1;
        juce::Time modified;
        std::optional<double> seconds;
    };
    std::vector<Entry> entries;
    std::map<juce::String, Known> cache;
    int reads = 0;
};

} // namespace capstan::app
