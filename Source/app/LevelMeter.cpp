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

const juce::Colour clipColour(0xffe74c3c);
} // namespace

LevelMeter::LevelMeter(MeterTap& tapIn, juce::String titleIn) : tap(tapIn), title(std::move(titleIn))
{
    setTooltip("Click to reset the peak and the clip count (a take resets them too)");
}

juce::String LevelMeter::formatPeak(float peak)
{
    if (!(peak > 0.0f))
        return "-inf dB";
    const float db = juce::Decibels::gainToDecibels(peak, -200.0f);
    return (db >= 0.0f ? "+" : "") + juce::String(db, 1) + " dB";
}

void LevelMeter::update()
{
    const int n = tap.numChannels();
    bool changed = n != channels;
    channels = n;
    for (int c = 0; c < channels; ++c)
    {
        const size_t i = size_t(c);
        const float peak = tap.takeBarPeak(c);
        const float next = juce::jmax(peak, level[i] * 0.8f);
        if (peak >= hold[i] || ++holdAge[i] > 40)
        {
            hold[i] = peak;
            holdAge[i] = 0;
        }
        const auto reading = tap.held(c);
        changed = changed || reading.peak != held[i].peak || reading.fullScale != held[i].fullScale ||
                  std::abs(next - level[i]) > 1.0e-4f;
        held[i] = reading;
        level[i] = next;
    }
    if (changed)
        repaint();
}

bool LevelMeter::anyClipHeld() const
{
    for (int c = 0; c < channels; ++c)
        if (held[size_t(c)].fullScale > 0)
            return true;
    return false;
}

void LevelMeter::mouseDown(const juce::MouseEvent&)
{
    tap.requestReset();
    held.fill({});
    repaint();
}

void LevelMeter::paint(juce::Graphics& g)
{
    auto area = getLocalBounds().toFloat();
    g.setColour(juce::Colour(0xff15181c));
    g.fillRoundedRectangle(area, 4.0f);
    area.reduce(6, 4);
    g.setColour(juce::Colours::lightgrey);
    g.setFont(juce::Font(12.0f, juce::Font::bold));
    g.drawText(title, area.removeFromTop(15), juce::Justification::centredLeft);
    if (channels == 0)
    {
        g.setColour(juce::Colours::grey);
        g.drawText("no input", area, juce::Justification::centred);
        return;
    }
    auto clipArea = area.removeFromRight(92);
    area.removeFromRight(4);
    auto peakArea = area.removeFromRight(64);
    area.removeFromRight(6);
    const float rowHeight = area.getHeight() / float(channels);
    for (int c = 0; c < channels; ++c)
    {
        const size_t i = size_t(c);
        const auto rowOf = [&](juce::Rectangle<float> column)
        { return column.withHeight(rowHeight).withY(column.getY() + rowHeight * float(c)).reduced(0, 1); };
        const auto row = rowOf(area);
        g.setColour(juce::Colour(0xff2a2f36));
        g.fillRect(row);
        juce::ColourGradient gradient(juce::Colour(0xff2ecc71), row.getX(), 0, clipColour, row.getRight(), 0, false);
        gradient.addColour(0.8, juce::Colour(0xfff1c40f));
        g.setGradientFill(gradient);
        g.fillRect(row.withWidth(row.getWidth() * toPosition(level[i])));
        g.setColour(juce::Colours::white);
        g.fillRect(row.getX() + row.getWidth() * toPosition(hold[i]) - 1.0f, row.getY(), 2.0f, row.getHeight());

        const bool clipped = held[i].fullScale > 0;
        const float fontSize = juce::jlimit(10.0f, 13.0f, rowHeight - 2.0f);
        g.setFont(juce::Font(fontSize, juce::Font::bold));
        g.setColour(held[i].peak >= 1.0f ? clipColour : juce::Colours::white);
        g.drawText(formatPeak(held[i].peak), rowOf(peakArea), juce::Justification::centredRight);

        const auto clipRow = rowOf(clipArea);
        g.setColour(clipped ? clipColour : juce::Colour(0xff3a2020));
        g.fillRoundedRectangle(clipRow, 3.0f);
        g.setColour(clipped ? juce::Colours::white : juce::Colours::grey);
        g.drawText(clipped ? "CLIP " + juce::String(held[i].fullScale) : juce::String("CLIP"), clipRow,
                   juce::Justification::centred);
    }
    g.setColour(juce::Colours::white.withAlpha(0.35f));
    g.setFont(10.0f);
    for (int db : {-48, -36, -24, -12, -6, 0})
    {
        const float x = area.getX() + area.getWidth() * (float(db) + 60.0f) / 60.0f;
        g.drawVerticalLine(int(x), area.getY(), area.getBottom());
    }
}

} // namespace capstan::app
