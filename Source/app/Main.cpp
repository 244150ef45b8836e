// The Capstan recording app: a JUCE GUI application around capstan_app_core (see Docs/app.md).

#include "AppCore.h"
#include "AppOptions.h"
#include "MainComponent.h"

#include <capstan/media/Error.h>

#include <juce_gui_extra/juce_gui_extra.h>

#include <cstdio>
#include <cstdlib>
#include <iostream>

namespace capstan::app
{

class MainWindow final : public juce::DocumentWindow
{
public:
    MainWindow(AppCore& core, const juce::StringArray& scanFolders)
        : juce::DocumentWindow("Capstan", juce::Colour(0xff262a31), juce::DocumentWindow::allButtons)
    {
        setUsingNativeTitleBar(false);
        setContentOwned(new MainComponent(core, scanFolders), true);
        setResizable(true, false);
        setResizeLimits(860, 700, 4000, 3000);
        centreWithSize(getWidth(), getHeight());
        setVisible(true);
    }

    MainComponent& content() { return *static_cast<MainComponent*>(getContentComponent()); }
    void closeButtonPressed() override { juce::JUCEApplication::getInstance()->systemRequestedQuit(); }
};

/** juce::Desktop, created without leaving files behind: JUCE asks `gsettings` for the desktop theme (dark mode) when
    it creates the Desktop, and GSettings' dconf backend then creates ~/.cache/dconf. The memory backend answers that
    one question without writing; it is set for that child process only, so players and file managers started later
    (Play, Show) get the user's environment. The app draws its own colours, so the theme's answer changes nothing. */
static juce::Desktop& desktopWithoutDconf()
{
    const bool wasSet = std::getenv("GSETTINGS_BACKEND") != nullptr;
    if (!wasSet)
        setenv("GSETTINGS_BACKEND", "memory", 1);
    auto& desktop = juce::Desktop::getInstance();
    if (!wasSet)
        unsetenv("GSETTINGS_BACKEND");
    return desktop;
}

class CapstanApplication final : public juce::JUCEApplication, private juce::Timer
{
public:
    const juce::String getApplicationName() override { return "Capstan"; }
    const juce::String getApplicationVersion() override { return CAPSTAN_VERSION; }
    bool moreThanOneInstanceAllowed() override { return true; }

    void initialise(const juce::String&) override
    {
        std::vector<std::string> args;
        for (const auto& arg : getCommandLineParameterArray())
            args.push_back(arg.toStdString());
        try
        {
            options = AppOptions::parse(args);
            if (options.help || options.version)
            {
                std::cout << (options.help ? AppOptions::usage() : "Capstan " CAPSTAN_VERSION "\n");
                quit();
                return;
            }
            // Without a display JUCE has no screen to centre a window on and crashes: say so instead.
            if (desktopWithoutDconf().getDisplays().getPrimaryDisplay() == nullptr)
            {
                const char* display = std::getenv("DISPLAY");
                std::cerr << "CapstanApp: no display to open a window on (DISPLAY is ";
                if (display != nullptr)
                    std::cerr << "'" << display << "'";
                else
                    std::cerr << "not set";
                std::cerr << "); run it in a desktop session, or headless under xvfb-run\n";
                setApplicationReturnValue(1);
                quit();
                return;
            }
            core = std::make_unique<AppCore>(juce::File(resolveSettingsDir(options.settingsDir)));
            auto settings = core->takeSettings();
            applyRecordOptions(options, settings);
            core->setTakeSettings(settings, false); // a launch's flags do not change the saved settings
            if (options.preChain)
                core->engine.setPreChainRecording(true); // for this launch; the saved choice stays
        }
        catch (const capstan::Error& e)
        {
            std::cerr << "CapstanApp: " << e.what() << "\n";
            setApplicationReturnValue(2);
            quit();
            return;
        }

        const auto audioError = core->openAudio(options.audioBackend, options.device);
        for (const auto& plugin : options.addPlugins)
            if (const auto error = core->addPlugin(juce::String(plugin)); error.isNotEmpty())
                problems.add(error);

        juce::StringArray scanFolders;
        for (const auto& folder : options.pluginPaths)
            scanFolders.add(juce::File::getCurrentWorkingDirectory().getChildFile(folder).getFullPathName());
        window = std::make_unique<MainWindow>(*core, scanFolders);
        if (audioError.isNotEmpty())
            problems.insert(0, "Audio input: " + audioError);
        if (!problems.isEmpty())
        {
            window->content().setProblem(problems.joinIntoString("; "));
            std::cerr << "CapstanApp: " << problems.joinIntoString("\n").toStdString() << "\n";
        }
        if (options.scan)
            window->content().chainPanel().startScan();
        if (options.monitor)
            window->content().setMonitoring(true);
        if (options.show == "about")
            window->content().showAbout();
        else if (options.show == "audio-settings")
            window->content().showAudioSettings();

        if (options.recordPath.has_value())
        {
            if (audioError.isNotEmpty() && options.quitWhenDone)
            {
                setApplicationReturnValue(1);
                quit();
                return;
            }
            window->content().startRecording(options.durationSeconds);
            recordingStarted = true;
        }
        if (!options.screenshotPath.empty())
        {
            screenshotDue = options.screenshotDelaySeconds >= 0
                                ? options.screenshotDelaySeconds
                                : (recordingStarted && options.durationSeconds > 0 ? options.durationSeconds / 2 : 1.0);
        }
        started = juce::Time::getMillisecondCounterHiRes();
        startTimer(50);
    }

    void shutdown() override
    {
        stopTimer();
        window.reset();
        core.reset();
    }

    void systemRequestedQuit() override { quit(); }
    void anotherInstanceStarted(const juce::String&) override {}

private:
    void timerCallback() override
    {
        const double elapsed = (juce::Time::getMillisecondCounterHiRes() - started) / 1000.0;
        if (screenshotDue >= 0 && elapsed >= screenshotDue)
        {
            screenshotDue = -1;
            saveScreenshot();
        }
        if (!recordingStarted || !options.quitWhenDone || screenshotDue >= 0)
            return;
        const auto status = core->engine.status();
        const auto preStatus = core->engine.preChainStatus();
        const bool failed = status.state == TakeRecorder::State::failed;
        const bool done = !core->engine.isRecordWanted() && status.takesCompleted > 0 &&
                          status.state != TakeRecorder::State::stopping &&
                          (!core->engine.isPreChainRecording() || preStatus.takesCompleted > 0);
        // With no duration the take runs until the app is closed; --quit-when-done then only acts on failure.
        if (failed || done)
        {
            window->content().refreshNow(); // the finished take joins the recent list before the app quits
            for (const auto& file : status.lastFiles)
                std::cout << "recorded: " << file << "\n";
            for (const auto& file : preStatus.lastFiles)
                std::cout << "recorded (pre-chain): " << file << "\n";
            if (!failed)
            {
                printLevels("file", core->engine.fileMeter());
                if (!preStatus.lastFiles.empty())
                    printLevels("pre-chain", core->engine.preChainMeter());
            }
            // The signal monitor's warning (digital silence, a constant value) as the banner showed it.
            if (!status.lastSignalWarning.empty())
                std::cout << "warning: " << status.lastSignalWarning << "\n";
            if (failed)
                std::cerr << "CapstanApp: recording failed: " << status.lastError << "\n";
            std::cout.flush();
            setApplicationReturnValue(failed ? 1 : 0);
            stopTimer();
            quit();
        }
    }

    /** What the meters counted over the take's recorded samples, so that scripts can check it against the file. */
    static void printLevels(const char* which, const MeterTap& meter)
    {
        for (int c = 0; c < meter.numChannels(); ++c)
        {
            const auto take = meter.take(c);
            char line[200];
            std::snprintf(line, sizeof(line), "level: %s ch%d peak %.9g (%s), %lld samples at full scale\n", which,
                          c + 1, double(take.peak), LevelMeter::formatPeak(take.peak).toRawUTF8(),
                          static_cast<long long>(take.fullScale));
            std::cout << line;
        }
    }

    void saveScreenshot()
    {
        auto& content = window->content();
        content.refreshNow();
        const auto image = content.createComponentSnapshot(content.getLocalBounds(), true, 1.0f);
        const auto file = juce::File::getCurrentWorkingDirectory().getChildFile(juce::String(options.screenshotPath));
        file.getParentDirectory().createDirectory();
        file.deleteFile();
        juce::FileOutputStream stream(file);
        juce::PNGImageFormat png;
        if (!stream.openedOk() || !png.writeImageToStream(image, stream))
            std::cerr << "CapstanApp: cannot write the screenshot " << file.getFullPathName() << "\n";
        else
            std::cout << "screenshot: " << file.getFullPathName() << "\n";
    }

    AppOptions options;
    std::unique_ptr<AppCore> core;
    std::unique_ptr<MainWindow> window;
    juce::StringArray problems;
    bool recordingStarted = false;
    double screenshotDue = -1;
    double started = 0;
};

} // namespace capstan::app

START_JUCE_APPLICATION(capstan::app::CapstanApplication)
