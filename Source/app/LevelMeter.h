#pragma once

#include "AudioEngine.h"

#include <juce_gui_basics/juce_gui_basics.h>

#include <array>

namespace capstan::app
{

/** Input meters, one bar per channel (-60..0 dBFS) with a peak-hold tick and a clip light that stays lit until it is
    clicked, so a clip during a long take is not missed. Fed from the message thread by update(). */
class LevelMeter final : public juce::Component
{
public:
    void update(AudioEngine& engine);
    bool anyClipHeld() const;
    void paint(juce::Graphics& g) override;
    void mouseDown(const juce::MouseEvent&) override;

private:
    int channels = 0;
    std::array<float, AudioEngine::maxChannels> level{}, hold{};
    std::array<int, AudioEngine::maxChannels> holdAge{};
    std::array<bool, AudioEngine::maxChannels> clipped{};
};

} // namespace capstan::app
