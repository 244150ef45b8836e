#pragma once

#include <juce_gui_basics/juce_gui_basics.h>

#include <array>

namespace capstan::plugin
{

/** Horizontal peak meters, one bar per channel, on a -60..0 dBFS scale with a falling peak display, and beside each
    bar the held peak as a number (dBFS) and the count of samples at or over full scale. Fed from the editor's timer
    (message thread); a click calls onReset. */
class LevelMeter : public juce::Component, public juce::SettableTooltipClient
{
public:
    static constexpr int maxChannels = 8;
    static constexpr int readoutWidth = 150; ///< the numbers' column, right of the bars

    /** `peaks`: linear peak magnitudes since the last call, one per channel. */
    void setPeaks(const float* peaks, int numChannels);
    /** The held peak (linear) and the count of samples at or over full scale, one per channel. */
    void setHeld(const float* heldPeaks, const int64_t* clipCounts, int numChannels);
    /** "-3.2 dBFS", "+6.0 dBFS" (over full scale), "-inf dBFS" for silence. */
    static juce::String formatPeak(float peak);
    /** "no clips", "1 clip", "1234 clips". */
    static juce::String formatClips(int64_t count);
    void paint(juce::Graphics& g) override;
    void mouseDown(const juce::MouseEvent&) override;

    std::function<void()> onReset;

private:
    static float toProportion(float magnitude);

    std::array<float, maxChannels> levels{}, held{};
    std::array<int64_t, maxChannels> clipCounts{};
    int channels = 0;
};

} // namespace capstan::plugin
