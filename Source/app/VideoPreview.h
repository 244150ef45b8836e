#pragma once

#include "AudioEngine.h"

#include <juce_gui_basics/juce_gui_basics.h>

namespace capstan::app
{

/** The live preview of the take's video source: what the source delivers, before and during a take (the armed
    recorder reads it all the time), scaled to fit. A 15 Hz timer on the message thread takes the newest picture
    (TakeRecorder::takeVideoPreview: BGRA, copied on the capture thread only while the preview is wanted) into a
    juce::Image. Without a picture it says why: the visualizer is chosen, nothing is open yet, or the source's error. */
class VideoPreview final : public juce::Component, private juce::Timer
{
public:
    explicit VideoPreview(AudioEngine& engine);
    ~VideoPreview() override;

    /** What the take records as its picture (TakeSettings::videoSource, empty: the visualizer) and the error that
        keeps it from opening (TakeRecorder::Status::lastError), shown when there is no picture. */
    void setSource(const std::string& spec, const juce::String& error);
    /** Takes the newest picture now (the timer does this 15 times a second). True when there was a new one. */
    bool refresh();

    /** What it shows under the picture: the source as opened ("lavfi testsrc2 640x360 @ 30 fps"), or why there is
        no picture ("no source", the error). */
    juce::String caption() const { return captionText; }
    const juce::Image& picture() const { return image; }
    int64_t picturesShown() const { return shown; }

    void paint(juce::Graphics& g) override;
    void visibilityChanged() override;

private:
    void timerCallback() override { refresh(); }
    juce::Rectangle<int> pictureArea() const;

    AudioEngine& engine;
    std::string spec;
    juce::String error, captionText, openedSource;
    std::vector<uint8_t> pixels;
    juce::Image image;
    int64_t shown = 0;
};

} // namespace capstan::app
