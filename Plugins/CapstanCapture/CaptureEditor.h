#pragma once

#include "CaptureProcessor.h"
#include "LevelMeter.h"

#include <juce_gui_basics/juce_gui_basics.h>

#include <memory>

namespace capstan::plugin
{

/** The plugin's window: record/arm/follow buttons, pre-roll, format and bit rate, folder and name pattern, take
    status (elapsed time, drops, encoder lag, disk time left), input meters and the last file written (click: copy its
    path; "Show" reveals it). A timer polls the processor; nothing here runs on the audio thread. */
class CaptureEditor : public juce::AudioProcessorEditor, private juce::Timer
{
public:
    explicit CaptureEditor(CaptureProcessor& processor);
    ~CaptureEditor() override;

    void paint(juce::Graphics& g) override;
    void resized() override;

    static constexpr int defaultWidth = 640;
    static constexpr int defaultHeight = 420;

private:
    void timerCallback() override;
    void refreshSettings();
    void settingsEdited();
    void chooseFolder();
    void updateStatus();
    void updateStandaloneInput();

    CaptureProcessor& capture;
    using ButtonAttachment = juce::AudioProcessorValueTreeState::ButtonAttachment;
    using SliderAttachment = juce::AudioProcessorValueTreeState::SliderAttachment;

    juce::Label title{{}, "Capstan Capture"};
    juce::Label stateLabel;
    juce::TextButton recordButton{"Record"};
    juce::TextButton armButton{"Arm"};
    juce::ToggleButton followButton{"Follow transport"};
    juce::ToggleButton monitorButton{"Listen"}; ///< the Standalone's: input to output (off: no feedback)
    juce::Label inputMutedBanner;               ///< the Standalone's input muted in Options: takes are silent
    juce::TextButton unmuteButton{"Unmute input"};
    const bool standalone;
    bool inputUnmuted = false;
    juce::Label preRollLabel{{}, "Pre-roll"};
    juce::Slider preRollSlider{juce::Slider::LinearHorizontal, juce::Slider::TextBoxRight};
    std::unique_ptr<ButtonAttachment> recordAttachment, armAttachment, followAttachment;
    std::unique_ptr<SliderAttachment> preRollAttachment;

    juce::Label formatLabel{{}, "Format"};
    juce::ComboBox formatBox;
    juce::Label bitrateLabel{{}, "Bit rate"};
    juce::ComboBox bitrateBox;
    juce::Label folderLabel{{}, "Folder"};
    juce::TextEditor folderEditor;
    juce::TextButton chooseButton{"Choose..."};
    juce::Label patternLabel{{}, "Name"};
    juce::TextEditor patternEditor;

    LevelMeter meter;
    juce::Label elapsedValue, dropsValue, lagValue, diskValue;
    juce::Label elapsedCaption{{}, "Elapsed"}, dropsCaption{{}, "Dropped"}, lagCaption{{}, "Encoder lag"},
        diskCaption{{}, "Disk left"};
    juce::Label lastFileCaption{{}, "Last file"};
    juce::TextButton lastFileButton;
    juce::TextButton revealButton{"Show"};
    juce::String lastFile;

    std::unique_ptr<juce::FileChooser> chooser;
    int shownGeneration = -1;

    JUCE_DECLARE_NON_COPYABLE_WITH_LEAK_DETECTOR(CaptureEditor)
};

} // namespace capstan::plugin
