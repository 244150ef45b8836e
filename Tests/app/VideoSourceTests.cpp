// The app's video source: the menu's choices, the choice saved and restored, a take with the test pattern through the
// real AppCore and MainComponent over the dummy device (the health panel's video line, the live preview), and a source
// that cannot be opened (the banner and the preview say why; nothing is recorded).

#include "support/TestSupport.h"

#include <AppCore.h>
#include <AppOptions.h>
#include <MainComponent.h>

#include <capstan/capture/VideoInput.h>
#include <capstan/media/Error.h>

#include <catch2/catch.hpp>

#include <chrono>
#include <functional>
#include <set>
#include <thread>

using namespace capstan;
using namespace capstan::test;

namespace
{
juce::File folderOf(const TestDir& dir, const std::string& name)
{
    return juce::File(juce::String(dir.file(name).string()));
}

/** Waits (up to 20 s) for `condition`; the window's timer does not run here (no message loop): `tick` stands in. */
template <typename Condition>
bool waitFor(Condition condition, const std::function<void()>& tick = {})
{
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (!condition())
    {
        if (std::chrono::steady_clock::now() > deadline)
            return false;
        if (tick)
            tick();
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return true;
}

/** The app over the dummy device with a video format and `source`, takes into DIR/takes, and its window. */
struct VideoApp
{
    VideoApp(const TestDir& dir, RecordingFormat format, const std::string& source) : core(folderOf(dir, "settings"))
    {
        TakeSettings settings;
        settings.format = format;
        settings.folder = dir.file("takes").string();
        settings.pattern = "video_%take%";
        settings.videoSource = source;
        core.setTakeSettings(settings);
        REQUIRE(core.openAudio("dummy").isEmpty());
        window = std::make_unique<app::MainComponent>(core, juce::StringArray());
        window->setBounds(0, 0, 980, 780);
    }

    app::AppCore core;
    std::unique_ptr<app::MainComponent> window;
};
} // namespace

TEST_CASE("video source menu: the visualizer first, the screens and cameras that exist, the test pattern, other")
{
    const auto choices = app::VideoSourceMenu::choices();
    REQUIRE(choices.size() >= 2);
    CHECK(choices.front().label == "Spectrum visualizer");
    CHECK(choices.front().spec.empty());
    CHECK(choices.back().label == "Test pattern");
    CHECK(choices.back().spec == app::VideoSourceMenu::testPattern);
    CHECK(choices.size() == 2 + VideoInput::listDisplays().size() + VideoInput::listCameras().size());
    for (const auto& choice : choices)
        if (!choice.spec.empty())
            CHECK_NOTHROW(VideoSourceSpec::parse(choice.spec));

    app::VideoSourceMenu menu;
    std::string changed = "nothing yet";
    menu.onChange = [&](const std::string& spec) { changed = spec; };
    menu.setSpec(app::VideoSourceMenu::testPattern);
    CHECK(menu.comboBox().getText() == "Test pattern");
    CHECK_FALSE(menu.otherField().isVisible());
    menu.setSpec("v4l2:/dev/video42"); // not listed: shown as Other with its text
    CHECK(menu.otherField().isVisible());
    CHECK(menu.otherField().getText() == "v4l2:/dev/video42");
    CHECK(menu.preferredHeight() == 60);
    menu.comboBox().setSelectedId(1, juce::sendNotificationSync); // the visualizer, as a click chooses it
    CHECK(changed.empty());
    CHECK(menu.spec().empty());
    CHECK_FALSE(menu.otherField().isVisible());
}

TEST_CASE("the video source choice survives a restart, and --video-source applies to one launch and is checked")
{
    TestDir dir;
    const auto settingsDir = folderOf(dir, "settings");
    {
        app::AppCore core(settingsDir);
        CHECK(core.takeSettings().videoSource.empty()); // the visualizer by default
        auto settings = core.takeSettings();
        settings.format = RecordingFormat::mkvVideo;
        settings.videoSource = "lavfi:testsrc2=size=640x360:rate=30";
        settings.videoSourceScaled = true;
        core.setTakeSettings(settings);
    }
    {
        app::AppCore core(settingsDir);
        const auto settings = core.takeSettings();
        CHECK(settings.format == RecordingFormat::mkvVideo);
        CHECK(settings.videoSource == "lavfi:testsrc2=size=640x360:rate=30");
        CHECK(settings.videoSourceScaled);
        auto back = settings;
        back.videoSource.clear();
        back.videoSourceScaled = false;
        core.setTakeSettings(back);
    }
    app::AppCore core(settingsDir);
    CHECK(core.takeSettings().videoSource.empty());
    CHECK_FALSE(core.takeSettings().videoSourceScaled);

    // The launch flag: "spectrum" or a spec that parses; a bad one is refused before anything runs.
    auto settings = core.takeSettings();
    app::applyRecordOptions(app::AppOptions::parse({"--video-source", "screen::99"}), settings);
    CHECK(settings.videoSource == "screen::99");
    app::applyRecordOptions(app::AppOptions::parse({"--video-source", "spectrum"}), settings);
    CHECK(settings.videoSource.empty());
    try
    {
        app::applyRecordOptions(app::AppOptions::parse({"--video-source", "lavfi:"}), settings);
        FAIL("an empty lavfi graph was accepted");
    }
    catch (const capstan::Error& e)
    {
        CHECK(std::string(e.what()).find("lavfi: give a source filter graph") != std::string::npos);
    }
}

TEST_CASE("a take with the test pattern: the preview shows it, the health panel counts its frames, the file has them")
{
    REQUIRE(haveFfmpegTools());
    TestDir dir;
    VideoApp app(dir, RecordingFormat::mkvVideo, "lavfi:testsrc2=size=320x180:rate=20");
    auto& core = app.core;
    auto& window = *app.window;
    window.refreshNow();
    REQUIRE(window.videoPreview().isVisible()); // a video format is chosen
    CHECK(window.videoSourceMenu().comboBox().getText() == "Other FFmpeg input\xe2\x80\xa6");

    // Before the take: the armed recorder's source is in the preview, in its own shape.
    auto& preview = window.videoPreview();
    REQUIRE(waitFor([&] { return preview.refresh(); }));
    CHECK(preview.caption().startsWith("lavfi testsrc2=size=320x180:rate=20 320x180"));
    REQUIRE(preview.picture().isValid());
    CHECK(double(preview.picture().getWidth()) / preview.picture().getHeight() == Approx(320.0 / 180).margin(0.02));
    // testsrc2 is colourful: the picture is not one flat colour.
    std::set<juce::uint32> colours;
    for (int y = 0; y < preview.picture().getHeight(); y += 7)
        for (int x = 0; x < preview.picture().getWidth(); x += 7)
            colours.insert(preview.picture().getPixelAt(x, y).getARGB());
    CHECK(colours.size() > 8);

    window.startRecording(2.0);
    REQUIRE(waitFor([&] { return core.engine.status().state == TakeRecorder::State::recording; }));
    const auto shownBefore = preview.picturesShown();
    REQUIRE(waitFor([&] { return preview.refresh() && preview.picturesShown() > shownBefore + 3; }));
    window.refreshNow();
    CHECK(window.healthPanel().videoText().startsWith("VIDEO lavfi testsrc2=size=320x180:rate=20 320x180"));

    REQUIRE(waitFor([&] { return core.engine.status().takesCompleted == 1; }));
    REQUIRE(waitFor([&] { return core.engine.status().state != TakeRecorder::State::stopping; }));
    const auto status = core.engine.status();
    INFO(status.lastError);
    CHECK(status.lastError.empty());
    REQUIRE(status.lastFiles.size() == 1);
    window.refreshNow();
    const auto& video = status.videoSource;
    const auto text = window.healthPanel().videoText();
    INFO(text.toStdString());
    CHECK(video.active);
    CHECK(video.framesCaptured == Approx(40).margin(2));
    CHECK(video.framesRefused == 0);
    CHECK(text.contains(juce::String(video.framesCaptured) + " captured, " + juce::String(video.framesDuplicated) +
                        " duplicated, " + juce::String(video.framesSkipped) + " skipped, 0 refused, drift "));
    CHECK(text.endsWith(" ppm")); // no problem: the source ran to the end

    const auto probe = probeStream(status.lastFiles.front(), "v:0", true);
    INFO(probe.describe());
    CHECK(probe.integer("width") == 320);
    CHECK(probe.integer("height") == 180);
    CHECK(probe.integer("nb_read_frames") == Approx(40).margin(1)); // 2 s at 20 fps
    CHECK(decodeAudio<float>(status.lastFiles.front(), {"-ac", "1"}).size() == 96000);
}

TEST_CASE("a video source that cannot be opened: the banner and the preview say why, and nothing is recorded")
{
    TestDir dir;
    VideoApp app(dir, RecordingFormat::mp4Video, "camera:/dev/video97");
    auto& core = app.core;
    auto& window = *app.window;
    window.startRecording(1.0);
    REQUIRE(waitFor([&] { return core.engine.status().state == TakeRecorder::State::failed; }));
    window.refreshNow();
    INFO(window.bannerText().toStdString());
    CHECK(window.bannerText().contains("RECORDING FAILED: cannot prepare a take: camera /dev/video97: no such device"));
    window.videoPreview().refresh();
    CHECK(window.videoPreview().caption().startsWith("cannot prepare a take: camera /dev/video97"));
    CHECK_FALSE(window.videoPreview().picture().isValid());
    window.stopRecording();
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    CHECK(core.engine.status().takesCompleted == 0);
    CHECK((!fs::exists(dir.file("takes")) || fs::is_empty(dir.file("takes"))));
}

TEST_CASE("a video source that ends mid-take: the health panel's video line says so, and its last picture is held")
{
    REQUIRE(haveFfmpegTools());
    TestDir dir;
    // Played as live from when the recorder is armed (the device opening): it ends about 1.2 s into the take.
    VideoApp app(dir, RecordingFormat::mkvVideo, "lavfi:testsrc2=size=160x90:rate=10:duration=1.5");
    auto& core = app.core;
    auto& window = *app.window;
    window.startRecording(2.5);
    REQUIRE(waitFor([&] { return core.engine.status().takesCompleted == 1; }));
    REQUIRE(waitFor([&] { return core.engine.status().state != TakeRecorder::State::stopping; }));
    window.refreshNow();
    const auto status = core.engine.status();
    INFO(status.lastError);
    const auto text = window.healthPanel().videoText();
    INFO(text.toStdString());
    CHECK(status.videoSource.problem.find("the video source ended (end of input)") != std::string::npos);
    CHECK(text.contains("  |  the video source ended (end of input) at "));
    CHECK(text.endsWith("its last picture is held"));
    CHECK(status.videoSource.framesCaptured > 0);
    CHECK(status.videoSource.framesCaptured < 20);
    REQUIRE(status.lastFiles.size() == 1);
    const auto probe = probeStream(status.lastFiles.front(), "v:0", true);
    CHECK(probe.integer("nb_read_frames") == Approx(25).margin(1)); // 2.5 s at 10 fps, the last picture held
}
