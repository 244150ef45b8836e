#pragma once

#include <capstan/session/TakeSettings.h>

#include <juce_data_structures/juce_data_structures.h>

namespace capstan::plugin
{

/** The plugin's saved state beyond its parameters: the take settings, stored as properties of the parameter tree
    (AudioProcessorValueTreeState::state) next to a "version" property.

    Versions: 0 = a state saved before versioning (no "version" property), 1 = the current one. Reading never fails:
    a property that is missing, malformed or unknown (an older project, or one saved by a newer plugin) keeps its
    default, so old projects always load. */
class CaptureState
{
public:
    static constexpr int currentVersion = 1;

    /** Sets the version and every setting on `tree` (the parameter tree's root). */
    static void writeSettings(juce::ValueTree& tree, const TakeSettings& settings);
    /** The settings stored on `tree`; defaults where absent or invalid. */
    static TakeSettings readSettings(const juce::ValueTree& tree);
    /** The version `tree` was saved with (0 when it has none). */
    static int versionOf(const juce::ValueTree& tree);
};

} // namespace capstan::plugin
