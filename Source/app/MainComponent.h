#pragma once

#include "AppCore.h"
#include "ChainPanel.h"
#include "HealthPanel.h"
#include "LevelMeter.h"

#include <juce_gui_basics/juce_gui_basics.h>

namespace capstan::app
{

/** The main window's content: transport (record, pause, stop), a failure banner, meters of what goes into the file
    (and of the pre-chain file's input when it is recorded), the health cells,
    take settings, the insert chain and the recent takes. A 15 Hz timer reads the engine's status; nothing here runs
    on the audio thread. */
class MainComponent final : public juce::Component, private juce::Timer, private juce::ListBoxModel
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

    void paint(juce::Graphics& g) override;
    void resized() override;
    /** Space records and stops, P pauses and resumes (unless a text field has the keys). */
    bool keyPressed(const juce::KeyPress& key) override;

private:
    void togglePause();
    void showAbout();
    void timerCallback() override;
    void applySettingsFromControls();
    void showSettingsInControls();
    void chooseFolder();
    void showAudioSettings();
    juce::File takeFolder() const;

    int getNumRows() override { return recent.size(); }
    void paintListBoxItem(int row, juce::Graphics& g, int width, int height, bool selected) override;
    void listBoxItemDoubleClicked(int row, const juce::MouseEvent&) override;

    AppCore& core;
    juce::TextButton recordButton{"Record"}, pauseButton{"Pause"}, stopButton{"Stop"}, audioButton{"Audio settings..."},
        folderButton{"Choose..."}, openFolderButton{"Open folder"}, aboutButton{"About"};
    juce::Label stateLabel, deviceLabel, banner, formatLabel{{}, "Format"}, extraLabel{{}, "Also write"},
        bitrateLabel{{}, "Bit rate"}, folderLabel{{}, "Folder"}, folderValue, patternLabel{{}, "Name"},
        recentLabel{{}, "Recent takes"};
    juce::ComboBox formatBox, extraBox, bitrateBox;
    juce::TextEditor patternEditor;
    juce::ToggleButton preChainToggle{"Also record the pre-chain signal (second file)"};
    LevelMeter fileMeter, inputMeter;
    HealthPanel health;
    ChainPanel chain;
    juce::ListBox recentList{"recent", this};
    juce::StringArray recent;
    juce::String problem, warning;
    int lastTakesCompleted = 0, lastPreTakesCompleted = 0;
    bool takeFailed = false;
    std::unique_ptr<juce::FileChooser> chooser;
    juce::Rectangle<int> takeArea;
};

} // namespace capstan::app
