#pragma once

#include "WaveformAccumulator.h"

#include <juce_gui_basics/juce_gui_basics.h>

namespace capstan::app
{

/** The waveform of the take in progress (or of the last take), the whole take fitted to the width: one vertical
    line per pixel column from its lowest to its highest sample, red where it reaches full scale. The window's timer
    calls update(), which only collects what the audio thread's WaveformAccumulator published. */
class WaveformView final : public juce::Component
{
public:
    explicit WaveformView(WaveformAccumulator& source);

    /** Message thread: takes the bins published since the last call; repaints when there are any. */
    void update(double sampleRate);
    const std::vector<WaveformAccumulator::Bin>& bins() const noexcept { return take; }
    void paint(juce::Graphics& g) override;

private:
    WaveformAccumulator& source;
    std::vector<WaveformAccumulator::Bin> take;
    double seconds = 0;
};

} // namespace capstan::app
