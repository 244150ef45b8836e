#include "VideoSourceMenu.h"

#include <capstan/capture/VideoInput.h>
#include <capstan/capture/VideoSourceSpec.h>

namespace capstan::app
{

const std::string VideoSourceMenu::testPattern = "lavfi:testsrc2=size=640x360:rate=30";

std::vector<VideoSourceMenu::Choice> VideoSourceMenu::choices()
{
    std::vector<Choice> result{{"Spectrum visualizer", {}}};
    for (const auto& display : VideoInput::listDisplays())
        result.push_back({"Screen " + juce::String(display), "screen:" + display});
    for (const auto& camera : VideoInput::listCameras())
    {
        // "/dev/video0 (Integrated Camera)": the device is what FFmpeg opens.
        const auto device = juce::String(camera).upToFirstOccurrenceOf(" ", false, false);
        result.push_back({"Camera " + juce::String(camera), "camera:" + device.toStdString()});
    }
    result.push_back({"Test pattern", testPattern});
    return result;
}

VideoSourceMenu::VideoSourceMenu()
{
    addAndMakeVisible(box);
    addChildComponent(otherEditor);
    box.setTooltip("The picture of the MP4/MKV video formats");
    otherEditor.setTextToShowWhenEmpty("screen::0.0+100,200, v4l2:/dev/video2, lavfi:GRAPH, file:PATH, rtsp://...",
                                       juce::Colours::grey);
    otherEditor.setTooltip(VideoSourceSpec::acceptedForms());
    box.onChange = [this] { chosen(); };
    otherEditor.onReturnKey = [this] { applyOther(); };
    rebuild();
}

void VideoSourceMenu::rebuild()
{
    listed = choices();
    box.clear(juce::dontSendNotification);
    for (size_t i = 0; i < listed.size(); ++i)
        box.addItem(listed[i].label, int(i) + 1);
    box.addItem(juce::String(juce::CharPointer_UTF8("Other FFmpeg input\xe2\x80\xa6")), otherId);
    setSpec(current);
}

void VideoSourceMenu::setSpec(const std::string& spec)
{
    current = spec;
    for (size_t i = 0; i < listed.size(); ++i)
        if (listed[i].spec == spec)
        {
            box.setSelectedId(int(i) + 1, juce::dontSendNotification);
            otherEditor.setVisible(false);
            return;
        }
    box.setSelectedId(otherId, juce::dontSendNotification);
    otherEditor.setText(spec, false);
    otherEditor.setVisible(true);
}

void VideoSourceMenu::chosen()
{
    const int id = box.getSelectedId();
    if (id == otherId)
    {
        otherEditor.setVisible(true);
        if (getParentComponent() != nullptr)
            getParentComponent()->resized();
        otherEditor.grabKeyboardFocus();
        return; // applied with Return
    }
    if (!juce::isPositiveAndBelow(id - 1, int(listed.size())))
        return;
    otherEditor.setVisible(false);
    current = listed[size_t(id - 1)].spec;
    if (getParentComponent() != nullptr)
        getParentComponent()->resized();
    if (onChange)
        onChange(current);
}

void VideoSourceMenu::applyOther()
{
    const auto text = otherEditor.getText().trim().toStdString();
    if (text.empty())
        return;
    current = text;
    if (onChange)
        onChange(current);
}

void VideoSourceMenu::resized()
{
    auto area = getLocalBounds();
    box.setBounds(area.removeFromTop(30).reduced(2));
    if (otherEditor.isVisible())
        otherEditor.setBounds(area.removeFromTop(30).reduced(2));
}

} // namespace capstan::app
