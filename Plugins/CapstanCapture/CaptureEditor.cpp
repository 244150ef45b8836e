#include "CaptureEditor.h"

#include "StandaloneInput.h"

#include <capstan/session/TakeSettings.h>
#include <capstan/session/TimeLeft.h>

namespace capstan::plugin
{

namespace
{
const juce::Colour background{0xff23272e};
const juce::Colour panel{0xff2c3138};
const juce::Colour recordRed{0xffd83a3a};
const int bitrates[] = {64, 96, 128, 160, 192, 256, 320};

juce::String formatDuration(double seconds)
{
    const auto tenths = juce::int64(seconds * 10.0);
    const auto totalSeconds = tenths / 10;
    return juce::String::formatted("%d:%02d:%02d.%d", int(totalSeconds / 3600), int(totalSeconds / 60 % 60),
                                   int(totalSeconds % 60), int(tenths % 10));
}

juce::String stateText(const TakeRecorder::Status& status, bool requested)
{
    using State = TakeRecorder::State;
    switch (status.state)
    {
    case State::idle:
        return "Idle (no audio yet)";
    case State::ready:
        return requested ? "Starting..." : "Ready";
    case State::starting:
        return "Starting...";
    case State::recording:
        return juce::String::fromUTF8("\xe2\x97\x8f REC  ") + formatDuration(status.elapsedSeconds);
    case State::stopping:
        return "Finishing take...";
    case State::failed:
        return "Failed: " + juce::String(status.lastError);
    }
    return {};
}
} // namespace

CaptureEditor::CaptureEditor(CaptureProcessor& processor)
    : AudioProcessorEditor(processor), capture(processor),
      standalone(processor.wrapperType == juce::AudioProcessor::wrapperType_Standalone)
{
    auto& params = capture.getParameters();

    title.setFont(juce::Font(20.0f, juce::Font::bold));
    addAndMakeVisible(title);
    stateLabel.setJustificationType(juce::Justification::centredRight);
    stateLabel.setFont(juce::Font(16.0f, juce::Font::bold));
    addAndMakeVisible(stateLabel);

    recordButton.setClickingTogglesState(true);
    recordButton.setColour(juce::TextButton::buttonOnColourId, recordRed);
    recordButton.setTooltip("Record (automatable)");
    armButton.setClickingTogglesState(true);
    armButton.setColour(juce::TextButton::buttonOnColourId, juce::Colours::darkorange);
    armButton.setTooltip("Arm: allows Follow transport to record while the host plays");
    followButton.setTooltip("Record while the host's transport plays (punch in/out with it) when armed");
    for (auto* button : std::initializer_list<juce::Button*>{&recordButton, &armButton, &followButton})
        addAndMakeVisible(button);
    // The Standalone has no transport to follow; it has speakers that must not play the microphone unasked.
    followButton.setVisible(!standalone);
    monitorButton.setTooltip("Play the input to the output. Off by default: a microphone next to the speakers feeds "
                             "back. Recording does not depend on it");
    monitorButton.setToggleState(capture.isMonitoring(), juce::dontSendNotification);
    monitorButton.onClick = [this] { capture.setMonitoring(monitorButton.getToggleState()); };
    addChildComponent(monitorButton);
    monitorButton.setVisible(standalone);
    inputMutedBanner.setText("INPUT MUTED (Options > Audio settings): takes record silence",
                             juce::dontSendNotification);
    inputMutedBanner.setFont(juce::Font(15.0f, juce::Font::bold));
    inputMutedBanner.setColour(juce::Label::backgroundColourId, recordRed);
    inputMutedBanner.setColour(juce::Label::textColourId, juce::Colours::white);
    unmuteButton.onClick = [] { StandaloneInput::unmute(); };
    addChildComponent(inputMutedBanner);
    addChildComponent(unmuteButton);
    recordAttachment = std::make_unique<ButtonAttachment>(params, CaptureProcessor::ParameterIds::record, recordButton);
    armAttachment = std::make_unique<ButtonAttachment>(params, CaptureProcessor::ParameterIds::arm, armButton);
    followAttachment =
        std::make_unique<ButtonAttachment>(params, CaptureProcessor::ParameterIds::followTransport, followButton);

    addAndMakeVisible(preRollLabel);
    preRollSlider.setTextValueSuffix(" s");
    preRollSlider.setColour(juce::Slider::backgroundColourId, juce::Colour(0xff4a515c)); // the track, visible at 0 s
    preRollSlider.setTextBoxStyle(juce::Slider::TextBoxRight, false, 64, 22);
    addAndMakeVisible(preRollSlider);
    preRollAttachment =
        std::make_unique<SliderAttachment>(params, CaptureProcessor::ParameterIds::preRoll, preRollSlider);

    int id = 1;
    for (auto format : allRecordingFormats())
        formatBox.addItem(recordingFormatLabel(format), id++);
    formatBox.onChange = [this] { settingsEdited(); };
    for (int kbps : bitrates)
        bitrateBox.addItem(juce::String(kbps) + " kbit/s", kbps);
    bitrateBox.onChange = [this] { settingsEdited(); };
    folderEditor.setTextToShowWhenEmpty(defaultRecordFolder(), juce::Colours::grey);
    folderEditor.onReturnKey = [this] { settingsEdited(); };
    folderEditor.onFocusLost = [this] { settingsEdited(); };
    patternEditor.setTooltip("Tokens: %track% %date% %time% %take%");
    patternEditor.onReturnKey = [this] { settingsEdited(); };
    patternEditor.onFocusLost = [this] { settingsEdited(); };
    chooseButton.onClick = [this] { chooseFolder(); };
    for (auto* component :
         std::initializer_list<juce::Component*>{&formatLabel, &formatBox, &bitrateLabel, &bitrateBox, &folderLabel,
                                                 &folderEditor, &chooseButton, &patternLabel, &patternEditor})
        addAndMakeVisible(component);

    addAndMakeVisible(meter);
    meter.setTooltip("What the take receives, as it reaches the plugin. Numbers: the highest peak and the samples at "
                     "or over full scale since the take started; click to reset them");
    meter.onReset = [this] { capture.resetHeldLevels(); };
    for (auto* caption : {&elapsedCaption, &dropsCaption, &lagCaption, &diskCaption, &lastFileCaption})
    {
        caption->setColour(juce::Label::textColourId, juce::Colours::lightgrey);
        caption->setFont(juce::Font(13.0f));
        addAndMakeVisible(caption);
    }
    for (auto* value : {&elapsedValue, &dropsValue, &lagValue, &diskValue})
    {
        value->setFont(juce::Font(17.0f));
        addAndMakeVisible(value);
    }

    lastFileButton.setButtonText("(no take yet)");
    lastFileButton.setTooltip("Click to copy the path to the clipboard");
    lastFileButton.onClick = [this]
    {
        if (lastFile.isNotEmpty())
            juce::SystemClipboard::copyTextToClipboard(lastFile);
    };
    revealButton.setTooltip("Show the file in the file manager");
    revealButton.onClick = [this]
    {
        if (lastFile.isNotEmpty())
            juce::File(lastFile).revealToUser();
    };
    addAndMakeVisible(lastFileButton);
    addAndMakeVisible(revealButton);

    refreshSettings();
    updateStatus();

    setResizable(true, true);
    setResizeLimits(600, 400, 1600, 1000);
    setSize(defaultWidth, defaultHeight);
    startTimerHz(15);
}

CaptureEditor::~CaptureEditor()
{
    stopTimer();
}

void CaptureEditor::paint(juce::Graphics& g)
{
    g.fillAll(background);
    g.setColour(panel);
    g.fillRoundedRectangle(getLocalBounds().reduced(8).withTrimmedTop(48).toFloat(), 6.0f);
}

void CaptureEditor::resized()
{
    auto area = getLocalBounds().reduced(16, 10);
    auto top = area.removeFromTop(34);
    title.setBounds(top.removeFromLeft(220));
    stateLabel.setBounds(top);
    area.removeFromTop(14);
    area = area.reduced(8, 4);

    const int rowHeight = 28;
    const int gap = 8;
    auto row = area.removeFromTop(rowHeight);
    recordButton.setBounds(row.removeFromLeft(96));
    row.removeFromLeft(gap);
    armButton.setBounds(row.removeFromLeft(70));
    row.removeFromLeft(gap);
    followButton.setBounds(row.removeFromLeft(150));
    monitorButton.setBounds(followButton.getBounds());
    row.removeFromLeft(gap);
    preRollLabel.setBounds(row.removeFromLeft(60));
    preRollSlider.setBounds(row);

    area.removeFromTop(gap);
    row = area.removeFromTop(rowHeight);
    const int captionWidth = 64;
    formatLabel.setBounds(row.removeFromLeft(captionWidth));
    formatBox.setBounds(row.removeFromLeft(row.getWidth() / 2 - gap));
    row.removeFromLeft(gap * 2);
    bitrateLabel.setBounds(row.removeFromLeft(captionWidth));
    bitrateBox.setBounds(row);

    area.removeFromTop(gap);
    row = area.removeFromTop(rowHeight);
    folderLabel.setBounds(row.removeFromLeft(captionWidth));
    chooseButton.setBounds(row.removeFromRight(90));
    row.removeFromRight(gap);
    folderEditor.setBounds(row);

    area.removeFromTop(gap);
    row = area.removeFromTop(rowHeight);
    patternLabel.setBounds(row.removeFromLeft(captionWidth));
    patternEditor.setBounds(row);

    area.removeFromTop(gap * 2);
    auto lastRow = area.removeFromBottom(rowHeight);
    lastFileCaption.setBounds(lastRow.removeFromLeft(captionWidth));
    revealButton.setBounds(lastRow.removeFromRight(64));
    lastRow.removeFromRight(gap);
    lastFileButton.setBounds(lastRow);
    area.removeFromBottom(gap);

    auto stats = area.removeFromBottom(44);
    const int cellWidth = stats.getWidth() / 4;
    juce::Label* captions[] = {&elapsedCaption, &dropsCaption, &lagCaption, &diskCaption};
    juce::Label* values[] = {&elapsedValue, &dropsValue, &lagValue, &diskValue};
    for (int i = 0; i < 4; ++i)
    {
        auto cell = stats.removeFromLeft(cellWidth);
        captions[i]->setBounds(cell.removeFromTop(18));
        values[i]->setBounds(cell);
    }
    area.removeFromBottom(gap);
    if (inputMutedBanner.isVisible())
    {
        auto banner = area.removeFromTop(rowHeight);
        unmuteButton.setBounds(banner.removeFromRight(110));
        inputMutedBanner.setBounds(banner);
        area.removeFromTop(gap);
    }
    meter.setBounds(area);
}

void CaptureEditor::timerCallback()
{
    if (capture.getSettingsGeneration() != shownGeneration)
        refreshSettings();
    updateStatus();
    updateStandaloneInput();
}

void CaptureEditor::updateStandaloneInput()
{
    if (!standalone)
        return;
    // JUCE's Standalone starts with its input muted: unmute it once, as soon as its window can be found.
    if (!inputUnmuted)
        inputUnmuted = StandaloneInput::unmute();
    const bool muted = StandaloneInput::isMuted();
    if (muted != inputMutedBanner.isVisible())
    {
        inputMutedBanner.setVisible(muted);
        unmuteButton.setVisible(muted);
        resized();
    }
}

void CaptureEditor::refreshSettings()
{
    shownGeneration = capture.getSettingsGeneration();
    const auto settings = capture.getSettings();
    const auto& formats = allRecordingFormats();
    for (size_t i = 0; i < formats.size(); ++i)
        if (formats[i] == settings.format)
            formatBox.setSelectedId(int(i) + 1, juce::dontSendNotification);
    int kbps = bitrates[0];
    for (int candidate : bitrates) // the nearest offered rate
        if (std::abs(candidate - settings.bitrateKbps) < std::abs(kbps - settings.bitrateKbps))
            kbps = candidate;
    bitrateBox.setSelectedId(kbps, juce::dontSendNotification);
    bitrateBox.setEnabled(usesBitrate(settings.format));
    if (!folderEditor.hasKeyboardFocus(true))
        folderEditor.setText(settings.folder, false);
    if (!patternEditor.hasKeyboardFocus(true))
        patternEditor.setText(settings.pattern, false);
}

void CaptureEditor::settingsEdited()
{
    auto settings = capture.getSettings();
    const int index = formatBox.getSelectedId() - 1;
    if (index >= 0 && index < int(allRecordingFormats().size()))
        settings.format = allRecordingFormats()[size_t(index)];
    if (bitrateBox.getSelectedId() > 0)
        settings.bitrateKbps = bitrateBox.getSelectedId();
    settings.folder = folderEditor.getText().trim().toStdString();
    if (patternEditor.getText().trim().isNotEmpty())
        settings.pattern = patternEditor.getText().trim().toStdString();
    capture.setSettings(settings);
    refreshSettings();
}

void CaptureEditor::chooseFolder()
{
    const auto current =
        folderEditor.getText().isNotEmpty() ? folderEditor.getText() : juce::String(defaultRecordFolder());
    chooser = std::make_unique<juce::FileChooser>("Folder for takes", juce::File(current));
    chooser->launchAsync(juce::FileBrowserComponent::openMode | juce::FileBrowserComponent::canSelectDirectories,
                         [this](const juce::FileChooser& fc)
                         {
                             const auto result = fc.getResult();
                             if (result != juce::File())
                             {
                                 folderEditor.setText(result.getFullPathName(), false);
                                 settingsEdited();
                             }
                         });
}

void CaptureEditor::updateStatus()
{
    const auto status = capture.getStatus();
    const bool requested = capture.isRecordRequested();
    // Digital silence or a constant signal in the take (a muted or unrouted track) is said beside the state; the
    // take goes on.
    const bool noSignal = !status.signalWarning.empty() && status.state == TakeRecorder::State::recording;
    stateLabel.setText(stateText(status, requested) + (noSignal ? "  NO SIGNAL" : ""), juce::dontSendNotification);
    const bool failed = status.state == TakeRecorder::State::failed;
    stateLabel.setColour(juce::Label::textColourId, failed || noSignal ? juce::Colours::orange
                                                    : status.state == TakeRecorder::State::recording
                                                        ? recordRed
                                                        : juce::Colours::white);
    stateLabel.setTooltip(noSignal ? juce::String(status.signalWarning) : juce::String(status.lastError));

    float peaks[CaptureProcessor::maxChannels] = {};
    const int channels = capture.getNumRecordedChannels();
    for (int c = 0; c < channels; ++c)
        peaks[c] = capture.takePeak(c);
    meter.setPeaks(peaks, channels);
    float held[CaptureProcessor::maxChannels] = {};
    int64_t clips[CaptureProcessor::maxChannels] = {};
    for (int c = 0; c < channels; ++c)
    {
        held[c] = capture.heldPeak(c);
        clips[c] = capture.clipCount(c);
    }
    meter.setHeld(held, clips, channels);

    const double rate = capture.getSampleRate() > 0 ? capture.getSampleRate() : 48000.0;
    elapsedValue.setText(formatDuration(status.elapsedSeconds), juce::dontSendNotification);
    // Bad samples (NaN/Inf from a plug-in, absurd magnitudes) are repaired in the file: say so beside the drops.
    const int64_t repaired = status.nonFiniteSamples + status.clippedSamples;
    juce::String drops =
        juce::String(status.dropCount) + " (" + juce::String(double(status.droppedFrames) / rate, 2) + " s)";
    if (repaired > 0)
        drops << ", " << juce::String(repaired) << " bad samples fixed";
    dropsValue.setText(drops, juce::dontSendNotification);
    dropsValue.setTooltip(
        repaired > 0 ? juce::String(status.nonFiniteSamples) + " NaN/Inf samples written as silence, " +
                           juce::String(status.clippedSamples) + " samples beyond +60 dBFS clipped; first at " +
                           formatDuration(status.firstRepairSeconds)
                     : juce::String());
    dropsValue.setColour(juce::Label::textColourId,
                         status.dropCount > 0 || repaired > 0 ? juce::Colours::orange : juce::Colours::white);
    lagValue.setText(juce::String(status.encoderLagSeconds, 2) + " s", juce::dontSendNotification);
    diskValue.setText(formatTimeLeft(status.secondsUntilDiskFull), juce::dontSendNotification); // as the app

    const juce::String newest = status.lastFiles.empty() ? juce::String() : juce::String(status.lastFiles.front());
    if (newest != lastFile)
    {
        lastFile = newest;
        lastFileButton.setButtonText(lastFile.isEmpty() ? "(no take yet)" : lastFile);
        lastFileButton.setTooltip(lastFile.isEmpty() ? "" : "Click to copy " + lastFile);
    }
    revealButton.setEnabled(lastFile.isNotEmpty());
}

} // namespace capstan::plugin
