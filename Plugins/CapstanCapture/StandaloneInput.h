#pragma once

namespace capstan::plugin
{

/** The input switch of JUCE's Standalone wrapper, seen from the plugin.

    JUCE's Standalone starts with "Mute audio input" on (against a feedback loop), so every take of a capture plugin
    would be silent. The plugin records its input, so the input is unmuted when the window appears and the processor
    mutes its output instead (CaptureProcessor::setMonitoring). If the user mutes the input again in Options, the
    editor says so boldly. In the plugin formats (and in tests) there is no Standalone and nothing happens. */
struct StandaloneInput
{
    /** True in the Standalone build once its window exists. */
    static bool isAvailable();
    /** Whether the Standalone feeds the plugin silence instead of its input. */
    static bool isMuted();
    /** Unmutes the input and saves that in the Standalone's settings file. Returns false without a Standalone. */
    static bool unmute();
};

} // namespace capstan::plugin
