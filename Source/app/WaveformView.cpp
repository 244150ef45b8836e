#include "WaveformView.h"

#include "HealthPanel.h"

namespace capstan::app
{

WaveformView::WaveformView(WaveformAccumulator& sourceIn) : source(sourceIn)
{
    setOpaque(true);
}

void WaveformView::update(double sampleRate)
{
    const auto before = take.size();
    const bool added = source.collect(take) > 0;
    if (added || take.size() != before)
    {
        seconds = sampleRate > 0 ? double(take.size()) * source.framesPerBin() / sampleRate : 0.0;
        repaint();
    }
}

void WaveformView::paint(juce::Graphics& g)
{
    g.fillAll(juce::Colour(0xff1d2127));
    auto area = getLocalBounds().reduced(4, 3);
    const float middle = float(area.getCentreY());
    const float half = float(area.getHeight()) * 0.5f;
    g.setColour(juce::Colours::white.withAlpha(0.15f));
    g.drawHorizontalLine(int(middle), float(area.getX()), float(area.getRight()));
    if (take.empty())
    {
        g.setColour(juce::Colours::grey);
        g.setFont(13.0f);
        g.drawText("The waveform of the take appears here while it records", area, juce::Justification::centred);
        return;
    }
    const auto columns = columnPeaks(take, area.getWidth());
    for (size_t x = 0; x < columns.size(); ++x)
    {
        const float low = juce::jlimit(-1.0f, 1.0f, columns[x].min);
        const float high = juce::jlimit(-1.0f, 1.0f, columns[x].max);
        const bool clipped = columns[x].max >= 1.0f || columns[x].min <= -1.0f;
        g.setColour(clipped ? juce::Colour(0xffe74c3c) : juce::Colour(0xff3ecf6e));
        const float top = middle - high * half, bottom = middle - low * half;
        g.drawVerticalLine(area.getX() + int(x), top, std::max(bottom, top + 1.0f));
    }
    g.setColour(juce::Colours::lightgrey);
    g.setFont(12.0f);
    g.drawText(HealthPanel::formatTime(seconds), area.removeFromTop(14), juce::Justification::topRight);
}

} // namespace capstan::app
