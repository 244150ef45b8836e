#include "LevelMeter.h"

namespace capstan::app
{

namespace
{
float toPosition(float gain)
{
    const float db = juce::Decibels::gainToDecibels(gain, -60.0f);
    return juce::jlimit(0.0f, 1.0f, (db + 60.0f) / 60.0f);
}
} // namespace

void LevelMeter::update(AudioEngine& engine)
{
    const int n = juce::jmin(engine.numInputChannels(), AudioEngine::maxChannels);
    bool changed = n != channels;
    channels = n;
    for (int c = 0; c < channels; ++c)
    {
        const size_t i = size_t(c);
        const float peak = engine.takePeak(c);
        const float next = juce::jmax(peak, level[i] * 0.8f);
        if (peak >= hold[i] || ++holdAge[i] > 40)
        {
            hold[i] = peak;
            holdAge[i] = 0;
        }
        if (engine.takeClip(c) && !clipped[i])
            clipped[i] = changed = true;
        changed = changed || std::abs(next - level[i]) > 1.0e-4f;
        level[i] = next;
    }
    if (changed)
        repaint();
}

bool LevelMeter::anyClipHeld() const
{
    for (int c = 0; c < channels; ++c)
        if (clipped[size_t(c)])
            return true;
    return false;
}

void LevelMeter::mouseDown(const juce::MouseEvent&)
{
    clipped.fill(false);
    repaint();
}

void LevelMeter::paint(juce::Graphics& g)
{
    auto area = getLocalBounds().toFloat();
    g.setColour(juce::Colour(0xff15181c));
    g.fillRoundedRectangle(area, 4.0f);
    if (channels == 0)
    {
        g.setColour(juce::Colours::grey);
        g.drawText("no input", area, juce::Justification::centred);
        return;
    }
    area.reduce(6, 6);
    auto clipArea = area.removeFromRight(44);
    area.removeFromRight(6);
    const float rowHeight = area.getHeight() / float(channels);
    for (int c = 0; c < channels; ++c)
    {
        const size_t i = size_t(c);
        auto row = area.withHeight(rowHeight).withY(area.getY() + rowHeight * float(c)).reduced(0, 2);
        auto clipRow = clipArea.withHeight(rowHeight).withY(clipArea.getY() + rowHeight * float(c)).reduced(0, 2);
        g.setColour(juce::Colour(0xff2a2f36));
        g.fillRect(row);
        const float width = row.getWidth() * toPosition(level[i]);
        juce::ColourGradient gradient(juce::Colour(0xff2ecc71), row.getX(), 0, juce::Colour(0xffe74c3c), row.getRight(),
                                      0, false);
        gradient.addColour(0.8, juce::Colour(0xfff1c40f));
        g.setGradientFill(gradient);
        g.fillRect(row.withWidth(width));
        g.setColour(juce::Colours::white);
        g.fillRect(row.getX() + row.getWidth() * toPosition(hold[i]) - 1.0f, row.getY(), 2.0f, row.getHeight());
        g.setColour(clipped[i] ? juce::Colour(0xffe74c3c) : juce::Colour(0xff3a2020));
        g.fillRoundedRectangle(clipRow, 3.0f);
        g.setColour(clipped[i] ? juce::Colours::white : juce::Colours::grey);
        g.setFont(11.0f);
        g.drawText("CLIP", clipRow, juce::Justification::centred);
    }
    // dB ticks
    g.setColour(juce::Colours::white.withAlpha(0.35f));
    g.setFont(10.0f);
    for (int db : {-48, -36, -24, -12, -6, 0})
    {
        const float x = area.getX() + area.getWidth() * (float(db) + 60.0f) / 60.0f;
        g.drawVerticalLine(int(x), area.getY(), area.getBottom());
        g.drawText(juce::String(db), int(x) + 2, int(area.getY()), 30, 12, juce::Justification::left);
    }
}

} // namespace capstan::app
