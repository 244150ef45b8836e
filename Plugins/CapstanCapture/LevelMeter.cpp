#include "LevelMeter.h"

#include <cmath>

namespace capstan::plugin
{

void LevelMeter::setPeaks(const float* peaks, int numChannels)
{
    channels = juce::jlimit(0, maxChannels, numChannels);
    for (int c = 0; c < channels; ++c)
        levels[size_t(c)] = std::max(peaks[c], levels[size_t(c)] * 0.8f); // fall about 2 dB per tick
    repaint();
}

float LevelMeter::toProportion(float magnitude)
{
    const float db = magnitude > 0.001f ? 20.0f * std::log10(magnitude) : -60.0f;
    return juce::jlimit(0.0f, 1.0f, (db + 60.0f) / 60.0f);
}

void LevelMeter::paint(juce::Graphics& g)
{
    auto area = getLocalBounds().toFloat();
    g.setColour(juce::Colour(0xff1b1e22));
    g.fillRoundedRectangle(area, 3.0f);
    if (channels == 0)
    {
        g.setColour(juce::Colours::grey);
        g.setFont(15.0f);
        g.drawText("No audio yet: the meters show the input once the host plays", getLocalBounds(),
                   juce::Justification::centred);
        return;
    }

    area = area.reduced(3.0f);
    const float gap = 2.0f;
    const float barHeight = (area.getHeight() - gap * float(channels - 1)) / float(channels);
    for (int c = 0; c < channels; ++c)
    {
        auto bar =
            juce::Rectangle<float>(area.getX(), area.getY() + float(c) * (barHeight + gap), area.getWidth(), barHeight);
        g.setColour(juce::Colour(0xff2c3138));
        g.fillRect(bar);
        const float level = levels[size_t(c)];
        const auto colour = level >= 0.999f             ? juce::Colours::red
                            : level >= 0.5f /* -6 dB */ ? juce::Colours::orange
                                                        : juce::Colour(0xff3ecf6e);
        g.setColour(colour);
        g.fillRect(bar.withWidth(bar.getWidth() * toProportion(level)));
    }

    // -48, -36, -24, -12, -6 dB ticks
    g.setColour(juce::Colours::white.withAlpha(0.25f));
    for (float db : {-48.0f, -36.0f, -24.0f, -12.0f, -6.0f})
    {
        const float x = area.getX() + area.getWidth() * (db + 60.0f) / 60.0f;
        g.drawVerticalLine(int(std::round(x)), area.getY(), area.getBottom());
    }
}

} // namespace capstan::plugin
