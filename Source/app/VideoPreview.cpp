#include "VideoPreview.h"

#include <cstring>

namespace capstan::app
{

VideoPreview::VideoPreview(AudioEngine& engineIn) : engine(engineIn)
{
    setOpaque(true);
}

VideoPreview::~VideoPreview()
{
    stopTimer();
    engine.setVideoPreviewWanted(false);
}

void VideoPreview::setSource(const std::string& newSpec, const juce::String& newError)
{
    if (newSpec == spec && newError == error)
        return;
    if (newSpec != spec)
        image = {}; // another source: none of the old one's pictures
    spec = newSpec;
    error = newError;
    refresh();
}

void VideoPreview::visibilityChanged()
{
    // Pictures are copied on the capture thread only while someone looks.
    const bool showing = isVisible();
    engine.setVideoPreviewWanted(showing);
    if (showing)
        startTimerHz(15);
    else
        stopTimer();
}

juce::Rectangle<int> VideoPreview::pictureArea() const
{
    auto area = getLocalBounds().reduced(2);
    area.removeFromBottom(18);
    return area;
}

bool VideoPreview::refresh()
{
    // The recorder gives the picture's own shape, as large as fits.
    const auto area = pictureArea();
    int width = juce::jlimit(16, 1920, area.getWidth());
    int height = juce::jlimit(16, 1080, area.getHeight());
    std::string opened;
    const bool fresh = engine.takeVideoPreview(pixels, width, height, opened);
    openedSource = juce::String(opened);
    if (fresh && pixels.size() == size_t(width) * size_t(height) * 4)
    {
        if (!image.isValid() || image.getWidth() != width || image.getHeight() != height)
            image = juce::Image(juce::Image::ARGB, width, height, false);
        // BGRA in memory is what juce::Image's ARGB holds on little-endian machines: copy row by row.
        juce::Image::BitmapData bitmap(image, juce::Image::BitmapData::writeOnly);
        for (int y = 0; y < height; ++y)
            std::memcpy(bitmap.getLinePointer(y), pixels.data() + size_t(y) * size_t(width) * 4, size_t(width) * 4);
        ++shown;
    }
    if (opened.empty())
        image = {}; // nothing open: no stale picture
    if (spec.empty())
        captionText = "Spectrum visualizer: drawn from the take's audio";
    else if (!opened.empty())
        captionText = openedSource;
    else if (error.isNotEmpty())
        captionText = error;
    else
        captionText = "no source yet: opening " + juce::String(spec);
    repaint();
    return fresh;
}

void VideoPreview::paint(juce::Graphics& g)
{
    g.fillAll(juce::Colour(0xff1d2127));
    const auto area = pictureArea();
    if (image.isValid())
        g.drawImageWithin(image, area.getX(), area.getY(), area.getWidth(), area.getHeight(),
                          juce::RectanglePlacement::centred);
    else
    {
        g.setColour(juce::Colours::black);
        g.fillRect(area);
        g.setColour(spec.empty() ? juce::Colours::grey : juce::Colour(0xfff39c12));
        g.setFont(juce::Font(13.0f));
        g.drawFittedText(spec.empty() ? juce::String("no video source") : captionText, area.reduced(8),
                         juce::Justification::centred, 6, 0.8f);
    }
    g.setColour(juce::Colours::lightgrey);
    g.setFont(juce::Font(12.0f));
    g.drawFittedText(captionText, getLocalBounds().removeFromBottom(18).reduced(4, 0), juce::Justification::centredLeft,
                     1, 0.6f);
}

} // namespace capstan::app
