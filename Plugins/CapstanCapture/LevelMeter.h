#pragma once

#include <juce_gui_basics/juce_gui_basics.h>

#include <array>

namespace capstan::plugin
{

/** Horizontal peak meters, one bar per channel, on a -60..0 dBFS scale with a falling peak display. Fed from the
    editor's timer (message thread). */
class LevelMeter : public juce::Component
{
public:
    static constexpr int maxChannels = 8;

    /** `peaks`: linear peak magnitudes since the last call, one per channel. */
    void setPeaks(const float* peaks, int numChannels);
    void paint(juce::Graphics& g) override;

private:
    static float toProportion(float magnitude);

    std::array<float, maxChannels> levels{};
    int channels = 0;
};

} // namespace capstan::plugin
