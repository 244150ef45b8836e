#include "CaptureProcessor.h"

// The plugin formats' entry point (only in the plugin binaries: the tests create CaptureProcessor themselves).
juce::AudioProcessor* JUCE_CALLTYPE createPluginFilter()
{
    return new capstan::plugin::CaptureProcessor();
}
