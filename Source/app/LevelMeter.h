#pragma once

#include "MeterTap.h"

#include <juce_audio_basics/juce_audio_basics.h>
#include <juce_gui_basics/juce_gui_basics.h>

#include <array>

namespace capstan::app
{

/** Meters of one MeterTap, one bar per channel (-60..0 dBFS) with a peak-hold tick, the highest peak as a number
    and a clip light that counts the samples at or over full scale. Peak and count stay until the meter is clicked
    or a take starts, so a clip during a long take is not missed. Fed from the message thread by update(). */
class LevelMeter final : public juce::Component, public juce::SettableTooltipClient
{
public:
    LevelMeter(MeterTap& tap, juce::String title);

    void update();
    bool anyClipHeld() const;
    /** "-3.2 dB" or "+17.9 dB" (over full scale), "-inf dB" for silence. */
    static juce::String formatPeak(float peak);
    void paint(juce::Graphics& g) override;
    void mouseDown(const juce::MouseEvent&) override;

private:
    MeterTap& tap;
    juce::String title;
    int channels = 0;
    std::array<float, MeterTap::maxChannels> level{}, hold{};
    std::array<int, MeterTap::maxChannels> holdAge{};
    std::array<MeterTap::Reading, MeterTap::maxChannels> held{};
};

} // namespace capstan::app
