#pragma once

#include "AppCore.h"
#include "ChainPanel.h"
#include "HealthPanel.h"
#include "LevelMeter.h"
#include "TakeListPanel.h"
#include "VideoPreview.h"
#include "VideoSourceMenu.h"
#include "WaveformView.h"

#include <juce_gui_basics/juce_gui_basics.h>

namespace capstan::app
{

/** The main window's content: transport (record, pause, stop), a failure banner, meters of what goes into the file
    (and of the pre-chain file's input when it is recorded), the health cells, the waveform of the take, take settings
    with a preview of the next file name, input monitoring, the insert chain and the recent takes. A 15 Hz timer reads
    the engine's status; nothing here runs on the audio thread. */
class MainComponent final : public juce::Component, private juce::Timer
{
public:
    MainComponent(AppCore& core, juce::StringArray extraScanFolders);
    ~MainComponent() override;

    void startRecording(double durationSeconds = 0);
    void stopRecording();
    /** The banner's text (empty when hidden): what failed, so recording never stops silently. */
    juce::String bannerText() const { return banner.getText(); }
    /** Shows a problem in the banner (e.g. the device could not be opened). */
    void setProblem(const juce::String& text);
    /** Shows a warning in the banner (orange unless something failed) while the take goes on, e.g. the signal
        monitor's "no signal for 5 s"; empty removes it. */
    void setWarning(const juce::String& text);
    /** Whether Record can be pressed: an input with channels is running. */
    bool canRecord() const;
    ChainPanel& chainPanel() { return chain; }
    /** Refreshes everything the timer shows, now (for screenshots). */
    void refreshNow() { timerCallback(); }
    /** JUCE's device selector in a dialog (inputs and outputs). */
    void showAudioSettings();
    /** Version, FFmpeg's and JUCE's, in a message box; writes nothing. */
    void showAbout();
    /** Input monitoring switched as its toggle does. */
    void setMonitoring(bool enabled);
    bool isMonitoring() const { return monitorToggle.getToggleState(); }
    /** "Next: NAME.flac + .mp3": what the next take's file will be called. */
    juce::String namePreviewText() const { return namePreview.getText(); }
    TakeListPanel& takeListPanel() { return takeList; }
    WaveformView& waveformView() { return waveform; }
    VideoSourceMenu& videoSourceMenu() { return videoSource; }
    VideoPreview& videoPreview() { return preview; }
    HealthPanel& healthPanel() { return health; }

    void paint(juce::Graphics& g) override;
    void resized() override;
    /** Space records and stops, P pauses and resumes (unless a text field has the keys). */
    bool keyPressed(const juce::KeyPress& key) override;

private:
    void togglePause();
    void timerCallback() override;
    void updateNamePreview();
    void applySettingsFromControls();
    void showSettingsInControls();
    void chooseFolder();
    juce::File takeFolder() const;

    AppCore& core;
    juce::TextButton recordButton{"Record"}, pauseButton{"Pause"}, stopButton{"Stop"}, audioButton{"Audio settings..."},
        folderButton{"Choose..."}, aboutButton{"About"};
    juce::Label stateLabel, deviceLabel, banner, formatLabel{{}, "Format"}, extraLabel{{}, "Also write"},
        bitrateLabel{{}, "Bit rate"}, folderLabel{{}, "Folder"}, folderValue, patternLabel{{}, "Name"}, namePreview,
        videoLabel{{}, "Video"};
    juce::ComboBox formatBox, extraBox, bitrateBox;
    juce::TextEditor patternEditor;
    juce::ToggleButton preChainToggle{"Also record the pre-chain signal (second file)"};
    juce::ToggleButton monitorToggle{"Monitor: hear the input on the outputs"};
    LevelMeter fileMeter, inputMeter;
    HealthPanel health;
    ChainPanel chain;
    WaveformView waveform;
    TakeListPanel takeList;
    VideoSourceMenu videoSource;
    VideoPreview preview;
    juce::String problem, warning, monitorProblem;
    int lastTakesCompleted = 0, lastPreTakesCompleted = 0, previewTicks = 0;
    bool takeFailed = false;
    std::unique_ptr<juce::FileChooser> chooser;
    juce::Rectangle<int> takeArea;
};

} // namespace capstan::app
