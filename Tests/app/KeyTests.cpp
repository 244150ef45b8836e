// The window's keys, on the real MainComponent over the real AppCore and the dummy audio device: Space records and
// stops, P pauses and resumes. Also what the window shows of the take: the waveform, the take list, the name preview.

#include "support/TestSupport.h"

#include <AppCore.h>
#include <MainComponent.h>

#include <catch2/catch.hpp>

#include <chrono>
#include <thread>

using namespace capstan;
using namespace capstan::test;

namespace
{
/** Waits (up to 10 s) for `condition`. The device and the recorder run threads of their own; the window's timer
    needs a message loop, which these tests do not run: they call refreshNow() where the timer would have ticked. */
template <typename Condition>
bool waitFor(Condition condition)
{
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (!condition())
    {
        if (std::chrono::steady_clock::now() > deadline)
            return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return true;
}

// As JUCE's X11 peer makes them: the key code and the character typed.
const juce::KeyPress space(juce::KeyPress::spaceKey, {}, ' '), p('p', {}, 'p'),
    shiftP('P', juce::ModifierKeys::shiftModifier, 'P');
} // namespace

TEST_CASE("keys: Space records and stops, P pauses and resumes, and the take shows in the waveform and the take list")
{
    TestDir dir;
    app::AppCore core(juce::File(juce::String(dir.file("settings").string())));
    TakeSettings settings;
    settings.format = RecordingFormat::wav24;
    settings.extraFormats = {RecordingFormat::flac};
    settings.folder = dir.file("takes").string();
    settings.pattern = "keys_%take%";
    core.setTakeSettings(settings);
    REQUIRE(core.openAudio("dummy").isEmpty());
    app::MainComponent window(core, {});
    REQUIRE(window.canRecord());
    CHECK(window.namePreviewText() == "Next: keys_01.wav + .flac");

    REQUIRE(window.keyPressed(space));
    CHECK(core.engine.isRecordWanted());
    REQUIRE(waitFor([&] { return core.engine.status().state == TakeRecorder::State::recording; }));
    REQUIRE(waitFor([&] { return core.engine.status().elapsedSeconds > 0.3; }));

    REQUIRE(window.keyPressed(p));
    CHECK(core.engine.isPaused());
    const double pausedAt = core.engine.status().elapsedSeconds;
    std::this_thread::sleep_for(std::chrono::milliseconds(400));
    CHECK(core.engine.status().elapsedSeconds < pausedAt + 0.1); // paused: nothing written
    REQUIRE(window.keyPressed(shiftP));                          // P with Shift: the same key
    CHECK_FALSE(core.engine.isPaused());
    REQUIRE(waitFor([&] { return core.engine.status().elapsedSeconds > pausedAt + 0.3; }));

    REQUIRE(window.keyPressed(space));
    CHECK_FALSE(core.engine.isRecordWanted());
    REQUIRE(waitFor([&] { return core.engine.status().takesCompleted == 1; }));
    REQUIRE(waitFor([&] { return core.engine.status().state != TakeRecorder::State::stopping; }));
    const auto status = core.engine.status();
    INFO(status.lastError);
    REQUIRE(status.lastFiles.size() == 2);
    CHECK(fs::path(status.lastFiles[0]).filename() == "keys_01.wav");
    CHECK(fs::path(status.lastFiles[1]).filename() == "keys_01.flac");

    // The window: both files at the top of the take list with the take's duration, the waveform of the take (10 ms
    // per bin: as long as the take), and the preview on to the next name.
    window.refreshNow();
    const auto& takes = window.takeListPanel().takes();
    REQUIRE(takes.size() == 2);
    CHECK(takes[0].file.getFullPathName().toStdString() == status.lastFiles[0]);
    REQUIRE(takes[0].seconds.has_value());
    CHECK(*takes[0].seconds == Approx(status.elapsedSeconds).margin(0.02));
    const auto bins = window.waveformView().bins().size();
    CHECK(double(bins) / 100.0 == Approx(status.elapsedSeconds).margin(0.03));
    CHECK(window.waveformView().bins().front().max == Approx(0.5).margin(0.01)); // the -6 dBFS test tone
    for (int tick = 0; tick < 8; ++tick) // the preview is refreshed every 8th tick
        window.refreshNow();
    CHECK(window.namePreviewText() == "Next: keys_02.wav + .flac");

    // P does nothing without a take; Space does not record without an input.
    CHECK(window.keyPressed(p));
    CHECK_FALSE(core.engine.isPaused());
    core.closeAudio();
    CHECK_FALSE(window.canRecord());
    window.keyPressed(space);
    CHECK_FALSE(core.engine.isRecordWanted());
    CHECK(window.bannerText().contains("Cannot record"));
    CHECK_FALSE(window.keyPressed(juce::KeyPress('x', {}, 'x'))); // other keys are left to others
    CHECK_FALSE(window.keyPressed(juce::KeyPress('p', juce::ModifierKeys::ctrlModifier, 'p')));
}
