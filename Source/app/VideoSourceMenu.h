#pragma once

#include <juce_gui_basics/juce_gui_basics.h>

#include <functional>
#include <string>
#include <vector>

namespace capstan::app
{

/** The video formats' picture: "Spectrum visualizer" (the default), "Screen" per X display, each camera, "Test
    pattern" (lavfi testsrc2) and "Other FFmpeg input..." with a text field for any VideoSourceSpec. The choice is a
    spec text (TakeSettings::videoSource; empty: the visualizer). Lists the displays and cameras that exist when the
    window opens; a source not listed (a camera unplugged since) shows as "Other" with its text. */
class VideoSourceMenu final : public juce::Component
{
public:
    struct Choice
    {
        juce::String label;
        std::string spec; ///< empty: the spectrum visualizer
    };

    /** What the menu offers now, in menu order, without "Other FFmpeg input...": the visualizer, the screens
        (VideoInput::listDisplays), the cameras (VideoInput::listCameras) and the test pattern. */
    static std::vector<Choice> choices();
    static const std::string testPattern; ///< "lavfi:testsrc2=size=640x360:rate=30"

    VideoSourceMenu();

    /** Shows `spec` (an entry when the menu has it, else "Other" with the text). Sends nothing. */
    void setSpec(const std::string& spec);
    std::string spec() const { return current; }
    /** The user chose another source (the menu, or Return in the text field). */
    std::function<void(const std::string& spec)> onChange;
    /** Height the layout gives it: one row, two when the text field shows. */
    int preferredHeight() const { return otherEditor.isVisible() ? 60 : 30; }

    juce::ComboBox& comboBox() { return box; }
    juce::TextEditor& otherField() { return otherEditor; }

    void resized() override;

private:
    void rebuild();
    void chosen();
    void applyOther();

    juce::ComboBox box;
    juce::TextEditor otherEditor;
    std::vector<Choice> listed;
    std::string current;
    static constexpr int otherId = 1000;
};

} // namespace capstan::app
