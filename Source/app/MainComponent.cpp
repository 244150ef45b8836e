#include "MainComponent.h"

#include <capstan/session/TakeNamer.h>

#include <juce_audio_utils/juce_audio_utils.h>

extern "C"
{
#include <libavutil/avutil.h>
}

namespace capstan::app
{

namespace
{
const int bitrates[] = {96, 128, 160, 192, 256, 320};

/** The session layer's menu label, except that the app's video formats carry the picture the Video menu chooses (the
    spectrum or a video source), not always the spectrum. */
juce::String menuLabel(RecordingFormat format)
{
    auto label = juce::String(recordingFormatLabel(format));
    return hasVideo(format) ? label.replace("H.264 spectrum", "H.264") : label;
}

juce::String stateText(TakeRecorder::State state)
{
    switch (state)
    {
    case TakeRecorder::State::idle:
        return "IDLE";
    case TakeRecorder::State::ready:
        return "READY";
    case TakeRecorder::State::starting:
        return "STARTING";
    case TakeRecorder::State::recording:
        return "RECORDING";
    case TakeRecorder::State::stopping:
        return "FINISHING";
    case TakeRecorder::State::failed:
        return "FAILED";
    }
    return {};
}
} // namespace

MainComponent::MainComponent(AppCore& coreIn, juce::StringArray extraScanFolders)
    : core(coreIn), fileMeter(coreIn.engine.fileMeter(), "Into the file (after the chain)"),
      inputMeter(coreIn.engine.preChainMeter(), "Pre-chain file (the input, before the chain)"),
      chain(coreIn, std::move(extraScanFolders)), waveform(coreIn.engine.waveform()), takeList(coreIn.settings),
      preview(coreIn.engine)
{
    setOpaque(true);
    recordButton.setColour(juce::TextButton::buttonColourId, juce::Colour(0xffc0392b));
    for (auto* c : std::initializer_list<juce::Component*>{
             &recordButton, &pauseButton,   &stopButton,     &audioButton,   &stateLabel,  &deviceLabel,
             &banner,       &fileMeter,     &health,         &formatLabel,   &formatBox,   &extraLabel,
             &extraBox,     &bitrateLabel,  &bitrateBox,     &folderLabel,   &folderValue, &folderButton,
             &patternLabel, &patternEditor, &preChainToggle, &monitorToggle, &chain,       &waveform,
             &takeList,     &namePreview,   &aboutButton,    &videoLabel,    &videoSource})
        addAndMakeVisible(c);
    addChildComponent(inputMeter);
    addChildComponent(preview); // shown while a video format is chosen
    // Space and P belong to the window, not to whichever button was clicked last.
    for (auto* button : {&recordButton, &pauseButton, &stopButton, &audioButton, &folderButton, &aboutButton})
        button->setWantsKeyboardFocus(false);
    preChainToggle.setWantsKeyboardFocus(false);
    monitorToggle.setWantsKeyboardFocus(false);
    setWantsKeyboardFocus(true);
    recordButton.setTooltip("Record (Space)");
    stopButton.setTooltip("Stop (Space)");
    pauseButton.setTooltip("Pause / resume (P)");

    stateLabel.setFont(juce::Font(24.0f, juce::Font::bold));
    stateLabel.setMinimumHorizontalScale(0.6f); // the elapsed time must stay readable beside the device name
    deviceLabel.setJustificationType(juce::Justification::centredRight);
    deviceLabel.setColour(juce::Label::textColourId, juce::Colours::lightgrey);
    deviceLabel.setMinimumHorizontalScale(0.7f);
    banner.setColour(juce::Label::backgroundColourId, juce::Colour(0xffc0392b));
    banner.setColour(juce::Label::textColourId, juce::Colours::white);
    banner.setFont(juce::Font(15.0f, juce::Font::bold));
    banner.setVisible(false);
    namePreview.setColour(juce::Label::textColourId, juce::Colours::lightgrey);
    namePreview.setFont(juce::Font(12.0f));
    namePreview.setMinimumHorizontalScale(0.5f);
    monitorToggle.setTooltip("Plays what goes into the file on the device's outputs. Off at every launch: a "
                             "microphone near the speakers feeds back");
    folderValue.setColour(juce::Label::backgroundColourId, juce::Colour(0xff1d2127));
    folderValue.setMinimumHorizontalScale(0.6f);

    int id = 1;
    for (auto format : allRecordingFormats())
    {
        formatBox.addItem(menuLabel(format), id);
        extraBox.addItem(menuLabel(format), id + 1);
        ++id;
    }
    extraBox.addItem("Nothing else", 1);
    for (int rate : bitrates)
        bitrateBox.addItem(juce::String(rate) + " kbit/s", rate);

    showSettingsInControls();
    formatBox.onChange = extraBox.onChange = bitrateBox.onChange = [this] { applySettingsFromControls(); };
    patternEditor.onReturnKey = patternEditor.onFocusLost = [this] { applySettingsFromControls(); };
    preChainToggle.setToggleState(core.engine.isPreChainRecording(), juce::dontSendNotification);
    preChainToggle.onClick = [this] { core.setPreChainRecording(preChainToggle.getToggleState()); };
    folderButton.onClick = [this] { chooseFolder(); };
    audioButton.onClick = [this] { showAudioSettings(); };
    recordButton.onClick = [this] { startRecording(); };
    stopButton.onClick = [this] { stopRecording(); };
    pauseButton.onClick = [this] { togglePause(); };
    aboutButton.onClick = [this] { showAbout(); };
    monitorToggle.onClick = [this] { setMonitoring(monitorToggle.getToggleState()); };
    videoSource.onChange = [this](const std::string& spec)
    {
        auto settings = core.takeSettings();
        settings.videoSource = spec;
        core.setTakeSettings(settings);
        showSettingsInControls();
        timerCallback();
    };
    takeList.takeFolder = [this] { return takeFolder(); };
    if (core.chainRestoreProblems.isNotEmpty())
        setProblem("Some saved plugins could not be loaded: " + core.chainRestoreProblems);

    setSize(980, 780);
    timerCallback();
    startTimerHz(15);
}

MainComponent::~MainComponent()
{
    stopTimer();
}

juce::File MainComponent::takeFolder() const
{
    const auto settings = core.takeSettings();
    return juce::File(settings.folder.empty() ? defaultRecordFolder() : settings.folder);
}

void MainComponent::showSettingsInControls()
{
    const auto settings = core.takeSettings();
    const auto& formats = allRecordingFormats();
    const auto index = [&](RecordingFormat format)
    { return int(std::find(formats.begin(), formats.end(), format) - formats.begin()); };
    formatBox.setSelectedId(index(settings.format) + 1, juce::dontSendNotification);
    extraBox.setSelectedId(settings.extraFormats.empty() ? 1 : index(settings.extraFormats.front()) + 2,
                           juce::dontSendNotification);
    bitrateBox.setSelectedId(settings.bitrateKbps, juce::dontSendNotification);
    // Greyed out when no file of the take is lossy: a bit rate would change nothing.
    bool lossy = usesBitrate(settings.format);
    for (auto extra : settings.extraFormats)
        lossy = lossy || usesBitrate(extra);
    bitrateBox.setEnabled(lossy);
    bitrateBox.setTooltip(lossy ? "" : "Lossless formats have no bit rate to choose");
    folderValue.setText(takeFolder().getFullPathName(), juce::dontSendNotification);
    patternEditor.setText(settings.pattern, false);
    videoSource.setSpec(settings.videoSource);
    // The picture only matters to the video formats.
    bool video = hasVideo(settings.format);
    for (auto extra : settings.extraFormats)
        video = video || hasVideo(extra);
    videoSource.setEnabled(video);
    videoSource.comboBox().setTooltip(video ? "The picture of the MP4/MKV video formats"
                                            : "Choose an MP4 or MKV video format to record a picture");
    updateNamePreview();
}

void MainComponent::updateNamePreview()
{
    // What the recorder's TakeNamer will pick for the next take, with the time of now (the take gets its own).
    const auto settings = core.takeSettings();
    const auto status = core.engine.status();
    juce::String text;
    try
    {
        const auto path = TakeNamer::previewPath(settings, {}, status.takesCompleted);
        const auto paths = TakeNamer::pathsFor(settings, path);
        text = "Next: " + juce::File(juce::String(path)).getFileName();
        for (size_t i = 1; i < paths.size(); ++i)
            text << " + " << juce::File(juce::String(paths[i])).getFileExtension();
    }
    catch (const std::exception& e)
    {
        text = "Next: no name (" + juce::String(e.what()) + ")";
    }
    namePreview.setText(text, juce::dontSendNotification);
}

void MainComponent::setMonitoring(bool enabled)
{
    monitorToggle.setToggleState(enabled, juce::dontSendNotification);
    monitorProblem = core.setMonitoring(enabled);
    if (monitorProblem.isNotEmpty())
        monitorProblem = "Monitoring: " + monitorProblem;
    timerCallback();
}

void MainComponent::applySettingsFromControls()
{
    auto settings = core.takeSettings();
    const auto& formats = allRecordingFormats();
    if (juce::isPositiveAndBelow(formatBox.getSelectedId() - 1, int(formats.size())))
        settings.format = formats[size_t(formatBox.getSelectedId() - 1)];
    settings.extraFormats.clear();
    if (juce::isPositiveAndBelow(extraBox.getSelectedId() - 2, int(formats.size())))
        settings.extraFormats.push_back(formats[size_t(extraBox.getSelectedId() - 2)]);
    if (bitrateBox.getSelectedId() > 0)
        settings.bitrateKbps = bitrateBox.getSelectedId();
    if (patternEditor.getText().trim().isNotEmpty())
        settings.pattern = patternEditor.getText().trim().toStdString();
    core.setTakeSettings(settings);
    showSettingsInControls();
}

void MainComponent::chooseFolder()
{
    chooser = std::make_unique<juce::FileChooser>("Folder for takes", takeFolder());
    chooser->launchAsync(juce::FileBrowserComponent::openMode | juce::FileBrowserComponent::canSelectDirectories,
                         [this](const juce::FileChooser& fc)
                         {
                             if (fc.getResult() == juce::File())
                                 return;
                             auto settings = core.takeSettings();
                             settings.folder = fc.getResult().getFullPathName().toStdString();
                             core.setTakeSettings(settings);
                             showSettingsInControls();
                         });
}

void MainComponent::showAudioSettings()
{
    auto selector = std::make_unique<juce::AudioDeviceSelectorComponent>(
        core.deviceManager, 1, AudioEngine::maxChannels, 0, 2, false, false, false, false);
    selector->setSize(520, 420);
    juce::DialogWindow::LaunchOptions options;
    options.content.setOwned(selector.release());
    options.dialogTitle = "Audio input and output";
    options.componentToCentreAround = this;
    options.dialogBackgroundColour = juce::Colour(0xff2b3038);
    options.useNativeTitleBar = false;
    options.resizable = false;
    options.launchAsync();
}

bool MainComponent::canRecord() const
{
    return core.deviceManager.getCurrentAudioDevice() != nullptr && core.engine.numInputChannels() > 0;
}

void MainComponent::startRecording(double durationSeconds)
{
    if (!canRecord())
    {
        setProblem("Cannot record: no audio input is running. Choose one in Audio settings...");
        return;
    }
    takeFailed = false;
    core.engine.setPaused(false);
    pauseButton.setButtonText("Pause");
    core.engine.startTake(durationSeconds);
    timerCallback();
}

void MainComponent::stopRecording()
{
    core.engine.stopTake();
    core.engine.setPaused(false);
    pauseButton.setButtonText("Pause");
}

void MainComponent::setProblem(const juce::String& text)
{
    problem = text;
    timerCallback();
}

void MainComponent::setWarning(const juce::String& text)
{
    warning = text;
    timerCallback();
}

void MainComponent::togglePause()
{
    if (!core.engine.isRecordWanted())
        return;
    core.engine.setPaused(!core.engine.isPaused());
    pauseButton.setButtonText(core.engine.isPaused() ? "Resume" : "Pause");
}

bool MainComponent::keyPressed(const juce::KeyPress& key)
{
    if (key == juce::KeyPress::spaceKey)
    {
        if (core.engine.isRecordWanted())
            stopRecording();
        else
            startRecording();
        return true;
    }
    // P with or without Shift, by character or by key code; Ctrl/Alt/Cmd+P are someone else's.
    const bool pKey = juce::CharacterFunctions::toUpperCase(key.getTextCharacter()) == 'P' ||
                      juce::CharacterFunctions::toUpperCase(juce::juce_wchar(key.getKeyCode())) == 'P';
    if (pKey && !key.getModifiers().testFlags(juce::ModifierKeys::ctrlAltCommandModifiers))
    {
        togglePause();
        return true;
    }
    return false;
}

void MainComponent::showAbout()
{
    // Only a message box: nothing is written (no settings, no log file).
    juce::AlertWindow::showMessageBoxAsync(
        juce::MessageBoxIconType::InfoIcon, "About Capstan",
        "Capstan " + juce::JUCEApplication::getInstance()->getApplicationVersion() +
            "\nA real-time audio and video recorder on FFmpeg " + juce::String(av_version_info()) + " and JUCE " +
            juce::String(JUCE_MAJOR_VERSION) + "." + juce::String(JUCE_MINOR_VERSION) + "." +
            juce::String(JUCE_BUILDNUMBER) + ".\nGPL-3.0-or-later.",
        "OK", this);
}

void MainComponent::timerCallback()
{
    fileMeter.update();
    inputMeter.update();
    waveform.update(core.engine.sampleRate());
    if (inputMeter.isVisible() != core.engine.isPreChainRecording())
    {
        inputMeter.setVisible(core.engine.isPreChainRecording());
        resized();
    }
    const auto status = core.engine.status();
    const auto preStatus = core.engine.preChainStatus();
    const bool wanted = core.engine.isRecordWanted();

    // New finished takes go to the top of the recent list.
    juce::StringArray finished;
    if (status.takesCompleted != lastTakesCompleted)
    {
        lastTakesCompleted = status.takesCompleted;
        for (const auto& file : status.lastFiles)
            finished.add(file);
    }
    if (preStatus.takesCompleted != lastPreTakesCompleted)
    {
        lastPreTakesCompleted = preStatus.takesCompleted;
        for (const auto& file : preStatus.lastFiles)
            finished.add(file);
    }
    if (!finished.isEmpty())
        takeList.addTakes(finished);
    if (++previewTicks % 8 == 0) // twice a second: %time% moves on, files appear (a take's own: the next name moves on)
        updateNamePreview();

    // The banner: anything that failed stays visible until the next take starts.
    juce::StringArray problems;
    if (problem.isNotEmpty())
        problems.add(problem);
    if (status.state == TakeRecorder::State::failed || (wanted && !status.lastError.empty()))
        takeFailed = true;
    if (takeFailed)
        problems.add("RECORDING FAILED: " + juce::String(status.lastError.empty() ? "see the log" : status.lastError));
    if (preStatus.state == TakeRecorder::State::failed)
        problems.add("Pre-chain recording failed: " + juce::String(preStatus.lastError));
    if (core.engine.hasDeviceFailed())
        problems.add("The audio device reported an error" +
                     (core.deviceManager.getCurrentAudioDevice() != nullptr
                          ? ": " + core.deviceManager.getCurrentAudioDevice()->getLastError()
                          : juce::String()));
    if (wanted && status.state == TakeRecorder::State::idle)
        problems.add("Cannot record: no audio input is running. Choose one in Audio settings...");
    // Warnings go after the failures, orange when nothing failed. The signal monitor's (digital silence or a
    // constant signal in what is written, e.g. a muted or unconnected input) never stops the take.
    juce::StringArray warnings;
    if (!status.signalWarning.empty())
        warnings.add("NO SIGNAL? " + juce::String(status.signalWarning));
    if (warning.isNotEmpty())
        warnings.add(warning);
    if (monitorProblem.isNotEmpty() && core.engine.isMonitoring())
        warnings.add(monitorProblem);
    const bool warningsOnly = problems.isEmpty() && !warnings.isEmpty();
    if (!warnings.isEmpty())
        problems.add(warnings.joinIntoString("  |  "));
    const auto bannerText = problems.joinIntoString("  |  ");
    banner.setColour(juce::Label::backgroundColourId,
                     warningsOnly ? juce::Colour(0xffd35400) : juce::Colour(0xffc0392b));
    if (bannerText != banner.getText())
    {
        banner.setText(bannerText, juce::dontSendNotification);
        banner.setVisible(bannerText.isNotEmpty());
        resized();
    }

    // Transport.
    const bool recording =
        status.state == TakeRecorder::State::recording || status.state == TakeRecorder::State::starting;
    juce::String text = stateText(status.state);
    if (recording && core.engine.isPaused())
        text = "PAUSED";
    if (recording || status.state == TakeRecorder::State::stopping)
        text = juce::String(juce::CharPointer_UTF8("\xe2\x97\x8f ")) + text + "  " +
               HealthPanel::formatTime(status.elapsedSeconds);
    stateLabel.setText(text, juce::dontSendNotification);
    stateLabel.setColour(juce::Label::textColourId, recording ? juce::Colour(0xffff5e57)
                                                    : status.state == TakeRecorder::State::failed
                                                        ? juce::Colour(0xffe74c3c)
                                                        : juce::Colours::white);
    recordButton.setEnabled(!wanted && canRecord());
    stopButton.setEnabled(wanted || recording);
    pauseButton.setEnabled(recording);

    auto* device = core.deviceManager.getCurrentAudioDevice();
    deviceLabel.setText(device == nullptr
                            ? juce::String("no audio input")
                            : device->getTypeName() + ": " + device->getName() + "\n" +
                                  juce::String(device->getCurrentSampleRate(), 0) + " Hz, " +
                                  juce::String(device->getCurrentBufferSizeSamples()) + " frames, " +
                                  juce::String(device->getActiveInputChannels().countNumberOfSetBits()) + " in",
                        juce::dontSendNotification);

    HealthPanel::Extra extra;
    extra.deviceXruns = device != nullptr ? device->getXRunCount() : -1;
    extra.chainPassThroughs = core.chain.blocksPassedThrough();
    const auto file = juce::File(
        juce::String(status.currentFile.empty() ? takeFolder().getFullPathName().toStdString() : status.currentFile));
    extra.freeBytes = double((file.isDirectory() ? file : file.getParentDirectory()).getBytesFreeOnVolume());
    if (device != nullptr)
        extra.bytesPerSecond = HealthPanel::estimateBytesPerSecond(core.takeSettings(), device->getCurrentSampleRate(),
                                                                   core.engine.numInputChannels()) *
                               (core.engine.isPreChainRecording() ? 2 : 1);
    const int healthHeight = health.preferredHeight();
    health.update(status, extra);

    // The video source's live preview, while a video format is chosen; the arm error says why a source is not open.
    const auto settings = core.takeSettings();
    bool video = hasVideo(settings.format);
    for (auto other : settings.extraFormats)
        video = video || hasVideo(other);
    preview.setSource(settings.videoSource, juce::String(status.lastError));
    if (preview.isVisible() != video || health.preferredHeight() != healthHeight)
    {
        preview.setVisible(video);
        resized();
    }
}

void MainComponent::paint(juce::Graphics& g)
{
    g.fillAll(juce::Colour(0xff262a31));
    g.setColour(juce::Colours::white);
    g.setFont(juce::Font(15.0f, juce::Font::bold));
    g.drawText("Take", takeArea.withHeight(24), juce::Justification::centredLeft);
}

void MainComponent::resized()
{
    auto area = getLocalBounds().reduced(10);
    auto top = area.removeFromTop(44);
    recordButton.setBounds(top.removeFromLeft(110).reduced(2));
    pauseButton.setBounds(top.removeFromLeft(90).reduced(2));
    stopButton.setBounds(top.removeFromLeft(90).reduced(2));
    top.removeFromLeft(12);
    aboutButton.setBounds(top.removeFromRight(70).reduced(2));
    audioButton.setBounds(top.removeFromRight(130).reduced(2));
    deviceLabel.setBounds(top.removeFromRight(240));
    stateLabel.setBounds(top);
    area.removeFromTop(6);
    if (banner.isVisible())
    {
        banner.setBounds(area.removeFromTop(32));
        area.removeFromTop(6);
    }
    auto meters = area.removeFromTop(70);
    if (inputMeter.isVisible())
    {
        inputMeter.setBounds(meters.removeFromRight(meters.getWidth() / 2 - 4));
        meters.removeFromRight(8);
    }
    fileMeter.setBounds(meters);
    area.removeFromTop(6);
    health.setBounds(area.removeFromTop(health.preferredHeight()));
    area.removeFromTop(6);
    waveform.setBounds(area.removeFromTop(72));
    area.removeFromTop(8);

    auto bottom = area.removeFromBottom(150);
    if (preview.isVisible())
    {
        preview.setBounds(bottom.removeFromLeft(268)); // 16:9 at the list's height, with its caption
        bottom.removeFromLeft(8);
    }
    takeList.setBounds(bottom);
    area.removeFromBottom(8);

    takeArea = area.removeFromLeft(400);
    auto take = takeArea;
    take.removeFromTop(26);
    auto row = [&take](juce::Label& label, juce::Component& editor, juce::Component* button = nullptr)
    {
        auto line = take.removeFromTop(30);
        label.setBounds(line.removeFromLeft(80));
        if (button != nullptr)
            button->setBounds(line.removeFromRight(80).reduced(2));
        editor.setBounds(line.reduced(2));
    };
    row(formatLabel, formatBox);
    row(extraLabel, extraBox);
    auto videoRow = take.removeFromTop(videoSource.preferredHeight());
    videoLabel.setBounds(videoRow.removeFromLeft(80).withHeight(30));
    videoSource.setBounds(videoRow);
    row(bitrateLabel, bitrateBox);
    row(folderLabel, folderValue, &folderButton);
    row(patternLabel, patternEditor);
    namePreview.setBounds(take.removeFromTop(18).withTrimmedLeft(80));
    preChainToggle.setBounds(take.removeFromTop(28));
    monitorToggle.setBounds(take.removeFromTop(28));
    area.removeFromLeft(16);
    chain.setBounds(area);
}

} // namespace capstan::app
