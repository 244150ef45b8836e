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

void LevelMeter::setHeld(const float* heldPeaks, const int64_t* counts, int numChannels)
{
    const int count = juce::jlimit(0, maxChannels, numChannels);
    for (int c = 0; c < count; ++c)
    {
        held[size_t(c)] = heldPeaks[c];
        clipCounts[size_t(c)] = counts[c];
    }
    repaint();
}

juce::String LevelMeter::formatPeak(float peak)
{
    if (!(peak > 0.0f))
        return "-inf dBFS";
    const float db = 20.0f * std::log10(peak);
    return (db >= 0.05f ? "+" : "") + juce::String(db, 1) + " dBFS";
}

juce::String LevelMeter::formatClips(int64_t count)
{
    return count == 0 ? juce::String("no clips") : juce::String(count) + (count == 1 ? " clip" : " clips");
}

void LevelMeter::mouseDown(const juce::MouseEvent&)
{
    if (onReset)
        onReset();
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
    auto readouts = area.removeFromRight(float(readoutWidth));
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

        // The numbers: held peak, and the clip count in a red box once anything reached full scale.
        auto text = juce::Rectangle<float>(readouts.getX() + 6.0f, bar.getY(), readouts.getWidth() - 6.0f, barHeight);
        const float fontHeight = juce::jlimit(10.0f, 15.0f, barHeight * 0.8f);
        g.setFont(juce::Font(fontHeight));
        const float peak = held[size_t(c)];
        g.setColour(peak >= 1.0f ? juce::Colour(0xffff6b5e) : juce::Colours::white);
        g.drawText(formatPeak(peak), text.removeFromLeft(72.0f), juce::Justification::centredRight);
        const auto clipsHere = clipCounts[size_t(c)];
        auto clipBox = text.withTrimmedLeft(6.0f);
        if (clipsHere > 0)
        {
            g.setColour(juce::Colours::red.darker(0.2f));
            g.fillRoundedRectangle(clipBox, 3.0f);
        }
        g.setColour(clipsHere > 0 ? juce::Colours::white : juce::Colours::grey);
        g.drawFittedText(formatClips(clipsHere), clipBox.toNearestInt(), juce::Justification::centred, 1, 0.7f);
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
