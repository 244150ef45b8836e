#include "support/TestSupport.h"

#include <AppCore.h>
#include <AppOptions.h>
#include <DummyAudioDevice.h>
#include <GainPlugin.h>

#include <catch2/catch.hpp>

using namespace capstan;
using namespace capstan::test;
using capstan::app::AppCore;

namespace
{
juce::File folderOf(const TestDir& dir, const std::string& name)
{
    return juce::File(juce::String(dir.file(name).string()));
}
} // namespace

TEST_CASE("take settings, the insert chain and the plugin list survive a restart")
{
    TestDir dir;
    const auto settingsDir = folderOf(dir, "settings");
    juce::PluginDescription fakeVst3;
    fakeVst3.name = "Far Away Reverb";
    fakeVst3.pluginFormatName = "VST3";
    fakeVst3.fileOrIdentifier = "/opt/plugins/FarAway.vst3";
    fakeVst3.uniqueId = 1234;
    {
        AppCore core(settingsDir);
        CHECK(core.chain.size() == 0);
        TakeSettings settings;
        settings.format = RecordingFormat::flac;
        settings.extraFormats = {RecordingFormat::mp3};
        settings.bitrateKbps = 256;
        settings.folder = dir.file("takes").string();
        settings.pattern = "%date%_interview_%take%";
        core.setTakeSettings(settings);
        core.setPreChainRecording(true);

        REQUIRE(core.addPlugin("gain").isEmpty());
        REQUIRE(core.addPlugin("gain").isEmpty());
        auto* first = dynamic_cast<app::GainPlugin*>(core.chain.processor(0));
        REQUIRE(first != nullptr);
        first->gainDb() = -12.0f;
        core.setPluginBypassed(1, true);
        core.movePlugin(1, 0); // the bypassed one first
        core.saveChain();      // the app does this when an editor closes
        core.host.knownPlugins().addType(fakeVst3);
        core.settings.addRecentTakes({"/tmp/a.flac", "/tmp/a.mp3"});
    }
    CHECK(settingsDir.getChildFile("settings.xml").existsAsFile());
    CHECK(settingsDir.getChildFile("plugins.xml").existsAsFile());

    AppCore core(settingsDir);
    const auto settings = core.takeSettings();
    CHECK(settings.format == RecordingFormat::flac);
    REQUIRE(settings.extraFormats.size() == 1);
    CHECK(settings.extraFormats[0] == RecordingFormat::mp3);
    CHECK(settings.bitrateKbps == 256);
    CHECK(settings.folder == dir.file("takes").string());
    CHECK(settings.pattern == "%date%_interview_%take%");
    CHECK(core.engine.isPreChainRecording());
    CHECK(core.chainRestoreProblems.isEmpty());

    REQUIRE(core.chain.size() == 2);
    CHECK(core.chain.isBypassed(0));
    CHECK_FALSE(core.chain.isBypassed(1));
    auto* second = dynamic_cast<app::GainPlugin*>(core.chain.processor(1));
    REQUIRE(second != nullptr);
    CHECK(second->gainDb().get() == Approx(-12.0f));
    auto* first = dynamic_cast<app::GainPlugin*>(core.chain.processor(0));
    REQUIRE(first != nullptr);
    CHECK(first->gainDb().get() == Approx(0.0f));

    const auto known = core.host.knownPlugins().getTypeForFile(fakeVst3.fileOrIdentifier);
    REQUIRE(known != nullptr);
    CHECK(known->name == fakeVst3.name);
    CHECK(core.host.find("gain").has_value());
    CHECK(core.settings.recentTakes() == juce::StringArray{"/tmp/a.flac", "/tmp/a.mp3"});
}

TEST_CASE("the chosen audio device survives a restart but a launch flag device is not remembered")
{
    TestDir dir;
    const auto settingsDir = folderOf(dir, "settings");
    {
        AppCore core(settingsDir);
        // A flag-chosen backend runs but is not saved.
        REQUIRE(core.openAudio("dummy").isEmpty());
        REQUIRE(core.deviceManager.getCurrentAudioDevice() != nullptr);
        CHECK(core.deviceManager.getCurrentAudioDevice()->getName() == app::DummyAudioDevice::deviceName);
        core.closeAudio();
    }
    CHECK(AppCore(settingsDir).settings.deviceState() == nullptr);
    {
        // As the device selector does it: the user picks a type and a device, at a chosen buffer size.
        AppCore core(settingsDir);
        core.settings.setDeviceState(nullptr);
        juce::XmlElement none("DEVICESETUP");
        none.setAttribute("deviceType", app::DummyAudioDevice::typeName);
        core.settings.setDeviceState(&none); // start from the dummy type rather than probing real hardware
        const auto error = core.openAudio();
        INFO(error);
        REQUIRE(error.isEmpty());
        auto setup = core.deviceManager.getAudioDeviceSetup();
        setup.inputDeviceName = setup.outputDeviceName = app::DummyAudioDevice::deviceName;
        setup.bufferSize = 256;
        setup.sampleRate = 44100;
        REQUIRE(core.deviceManager.setAudioDeviceSetup(setup, true).isEmpty());
    }
    AppCore core(settingsDir);
    const auto state = core.settings.deviceState();
    REQUIRE(state != nullptr);
    CHECK(state->getStringAttribute("deviceType") == app::DummyAudioDevice::typeName);
    const auto error = core.openAudio();
    INFO(error);
    REQUIRE(error.isEmpty());
    auto* device = core.deviceManager.getCurrentAudioDevice();
    REQUIRE(device != nullptr);
    CHECK(device->getTypeName() == app::DummyAudioDevice::typeName);
    CHECK(device->getCurrentBufferSizeSamples() == 256);
    CHECK(device->getCurrentSampleRate() == 44100.0);
}

TEST_CASE("the flags --record and --format set the take folder, name and formats, and bad values are refused clearly")
{
    TakeSettings settings;
    app::applyRecordOptions(app::AppOptions::parse({"--record", "/tmp/x/session.flac"}), settings);
    CHECK(settings.folder == "/tmp/x");
    CHECK(settings.pattern == "session");
    CHECK(settings.format == RecordingFormat::flac);

    TakeSettings folderOnly;
    app::applyRecordOptions(app::AppOptions::parse({"--record", "/tmp/x/takes", "--format", "flac,mp3"}), folderOnly);
    CHECK(folderOnly.folder == "/tmp/x/takes");
    CHECK(folderOnly.format == RecordingFormat::flac);
    REQUIRE(folderOnly.extraFormats.size() == 1);
    CHECK(folderOnly.extraFormats[0] == RecordingFormat::mp3);

    const auto options = app::AppOptions::parse({"--duration", "2.5", "--quit-when-done", "--audio-backend", "dummy"});
    CHECK(options.durationSeconds == 2.5);
    CHECK(options.quitWhenDone);
    CHECK(options.audioBackend == "dummy");
    CHECK_THROWS_WITH(app::AppOptions::parse({"--duration", "soon"}), Catch::Contains("--duration takes a number"));
    CHECK_THROWS_WITH(app::AppOptions::parse({"--bogus"}), Catch::Contains("unknown option '--bogus'"));
    TakeSettings bad;
    CHECK_THROWS_WITH(app::applyRecordOptions(app::AppOptions::parse({"--format", "wma"}), bad),
                      Catch::Contains("wma"));
}
