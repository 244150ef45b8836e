#include "StandaloneInput.h"

#include <juce_audio_processors/juce_audio_processors.h>

// The shared code of the plugin formats is built with JucePlugin_Build_Standalone=1 when the Standalone is one of
// them; the test build compiles this file without it.
#if JucePlugin_Build_Standalone
#include <juce_audio_utils/juce_audio_utils.h>
#include <juce_gui_extra/juce_gui_extra.h>

#include <juce_audio_plugin_client/Standalone/juce_StandaloneFilterWindow.h>
#endif

namespace capstan::plugin
{

#if JucePlugin_Build_Standalone
bool StandaloneInput::isAvailable()
{
    return juce::StandalonePluginHolder::getInstance() != nullptr;
}

bool StandaloneInput::isMuted()
{
    auto* holder = juce::StandalonePluginHolder::getInstance();
    return holder != nullptr && bool(holder->getMuteInputValue().getValue());
}

bool StandaloneInput::unmute()
{
    auto* holder = juce::StandalonePluginHolder::getInstance();
    if (holder == nullptr)
        return false;
    holder->getMuteInputValue().setValue(false);
    // Saved at once, so a Standalone that is killed keeps the choice too (and a test can read it).
    holder->saveAudioDeviceState();
    if (auto* file = dynamic_cast<juce::PropertiesFile*>(holder->settings.get()))
        file->saveIfNeeded();
    return true;
}
#else
bool StandaloneInput::isAvailable()
{
    return false;
}

bool StandaloneInput::isMuted()
{
    return false;
}

bool StandaloneInput::unmute()
{
    return false;
}
#endif

} // namespace capstan::plugin
