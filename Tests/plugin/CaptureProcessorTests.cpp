// The plugin's processor in-process (the same sources the plugin binaries compile): saved state, following a host
// transport, channel layouts, and the allocation trap on processBlock itself, without any hosting wrapper around it.

#include "CaptureProcessor.h"
#include "CaptureState.h"
#include "PluginTestSupport.h"
#include "support/TestSupport.h"

#include <catch2/catch.hpp>

using namespace capstan::test;
using capstan::RecordingFormat;
using capstan::plugin::CaptureProcessor;

namespace
{

/** A host transport the test starts and stops between blocks. */
class TestPlayHead : public juce::AudioPlayHead
{
public:
    juce::Optional<PositionInfo> getPosition() const override
    {
        PositionInfo info;
        info.setIsPlaying(playing);
        return info;
    }

    bool playing = false;
};

void setParameter(CaptureProcessor& processor, const char* id, float value)
{
    auto* parameter = processor.getParameters().getParameter(id);
    REQUIRE(parameter != nullptr);
    parameter->setValueNotifyingHost(parameter->convertTo0to1(value));
}

float parameterValue(CaptureProcessor& processor, const char* id)
{
    return processor.getParameters().getRawParameterValue(id)->load();
}

/** Waits (bounded) until the recorder has nothing open. */
void waitUntilSettled(CaptureProcessor& processor)
{
    using State = capstan::TakeRecorder::State;
    for (int i = 0; i < 500; ++i)
    {
        const auto state = processor.getStatus().state;
        if (state != State::starting && state != State::recording && state != State::stopping)
            return;
        juce::Thread::sleep(10);
    }
}

void checkTakes(const juce::File&, const std::filesystem::path& folder, const BlockRunResult& run, int channels)
{
    const auto takes = takesIn(folder, ".wav");
    REQUIRE(takes.size() == run.expectedTakes.size());
    for (size_t i = 0; i < takes.size(); ++i)
    {
        INFO("take " << takes[i].string());
        CHECK(probeStream(takes[i]).integer("channels") == channels);
        CHECK(compareSamples(decodeAudio<float>(takes[i]), run.expectedTakes[i]) == "identical");
    }
}

/** Points the processor's takes at `dir`, named "take01"... (or `pattern`), in `format`. */
void recordInto(CaptureProcessor& processor, const TestDir& dir, RecordingFormat format,
                const std::string& pattern = "take%take%")
{
    auto settings = processor.getSettings();
    settings.format = format;
    settings.folder = dir.path().string();
    settings.pattern = pattern;
    processor.setSettings(settings);
}
} // namespace

TEST_CASE("Processor: settings and parameters survive a state round trip into a fresh instance", "[plugin][state]")
{
    CaptureProcessor first;
    setParameter(first, CaptureProcessor::ParameterIds::record, 1.0f); // saved on, loads off (see below)
    setParameter(first, CaptureProcessor::ParameterIds::arm, 0.0f);
    setParameter(first, CaptureProcessor::ParameterIds::followTransport, 1.0f);
    setParameter(first, CaptureProcessor::ParameterIds::preRoll, 2.5f);
    auto settings = first.getSettings();
    settings.format = RecordingFormat::flac;
    settings.extraFormats = {RecordingFormat::mp3};
    settings.bitrateKbps = 256;
    settings.folder = "/tmp/capstan takes";
    settings.pattern = "%track%-%take%";
    first.setSettings(settings);

    juce::MemoryBlock state;
    first.getStateInformation(state);

    CaptureProcessor second;
    CHECK(second.getSettings().format == RecordingFormat::wav24); // defaults before loading
    second.setStateInformation(state.getData(), int(state.getSize()));
    // Record never loads on: a project saved mid-take does not start recording when it opens.
    CHECK(parameterValue(second, CaptureProcessor::ParameterIds::record) == 0.0f);
    CHECK(parameterValue(second, CaptureProcessor::ParameterIds::arm) == 0.0f);
    CHECK(parameterValue(second, CaptureProcessor::ParameterIds::followTransport) == 1.0f);
    CHECK(parameterValue(second, CaptureProcessor::ParameterIds::preRoll) == Approx(2.5f));
    const auto loaded = second.getSettings();
    CHECK(loaded.format == RecordingFormat::flac);
    CHECK(loaded.extraFormats == std::vector<RecordingFormat>{RecordingFormat::mp3});
    CHECK(loaded.bitrateKbps == 256);
    CHECK(loaded.folder == "/tmp/capstan takes");
    CHECK(loaded.pattern == "%track%-%take%");
    CHECK(loaded.preRollSeconds == Approx(2.5));

    const auto xml = juce::AudioProcessor::getXmlFromBinary(state.getData(), int(state.getSize()));
    REQUIRE(xml != nullptr);
    CHECK(xml->getIntAttribute("version") == capstan::plugin::CaptureState::currentVersion);
}

TEST_CASE("Processor: old and newer states load, with defaults for what they lack or what is unknown",
          "[plugin][state]")
{
    SECTION("a state saved before versioning: parameters only")
    {
        const auto xml =
            juce::parseXML(R"(<CapstanCapture><PARAM id="followTransport" value="1.0"/></CapstanCapture>)");
        REQUIRE(xml != nullptr);
        juce::MemoryBlock state;
        juce::AudioProcessor::copyXmlToBinary(*xml, state);
        CaptureProcessor processor;
        processor.setStateInformation(state.getData(), int(state.getSize()));
        CHECK(parameterValue(processor, CaptureProcessor::ParameterIds::followTransport) == 1.0f);
        const auto settings = processor.getSettings();
        const capstan::TakeSettings defaults;
        CHECK(settings.format == defaults.format);
        CHECK(settings.pattern == defaults.pattern);
        CHECK(settings.bitrateKbps == defaults.bitrateKbps);
    }
    SECTION("a state from a newer version with a format this version does not know")
    {
        const auto xml = juce::parseXML(R"(<CapstanCapture version="99" format="wav64-quantum" bitrateKbps="320"
                                           pattern="%take%" futureSetting="x"/>)");
        REQUIRE(xml != nullptr);
        juce::MemoryBlock state;
        juce::AudioProcessor::copyXmlToBinary(*xml, state);
        CaptureProcessor processor;
        processor.setStateInformation(state.getData(), int(state.getSize()));
        const auto settings = processor.getSettings();
        CHECK(settings.format == capstan::TakeSettings{}.format);
        CHECK(settings.bitrateKbps == 320);
        CHECK(settings.pattern == "%take%");
    }
}

TEST_CASE("Processor: bus layouts of 1 to 8 channels, input equal to output", "[plugin]")
{
    CaptureProcessor processor;
    for (int channels = 1; channels <= 8; ++channels)
    {
        const auto set = juce::AudioChannelSet::discreteChannels(channels);
        juce::AudioProcessor::BusesLayout layout;
        layout.inputBuses.add(set);
        layout.outputBuses.add(set);
        CHECK(processor.checkBusesLayoutSupported(layout));
    }
    juce::AudioProcessor::BusesLayout tooMany, mismatched;
    tooMany.inputBuses.add(juce::AudioChannelSet::discreteChannels(9));
    tooMany.outputBuses.add(juce::AudioChannelSet::discreteChannels(9));
    CHECK_FALSE(processor.checkBusesLayoutSupported(tooMany));
    mismatched.inputBuses.add(juce::AudioChannelSet::mono());
    mismatched.outputBuses.add(juce::AudioChannelSet::stereo());
    CHECK_FALSE(processor.checkBusesLayoutSupported(mismatched));
}

TEST_CASE("Processor: Record takes 6 channels at 96 kHz exactly, with no allocation or lock in processBlock",
          "[plugin][realtime]")
{
    TestDir dir;
    CaptureProcessor processor;
    recordInto(processor, dir, RecordingFormat::wav32f);

    const int channels = 6;
    const double rate = 96000.0;
    juce::AudioProcessor::BusesLayout layout;
    layout.inputBuses.add(juce::AudioChannelSet::discreteChannels(channels));
    layout.outputBuses.add(juce::AudioChannelSet::discreteChannels(channels));
    REQUIRE(processor.setBusesLayout(layout));
    processor.prepareToPlay(rate, 512);

    auto* record = processor.getParameters().getParameter(CaptureProcessor::ParameterIds::record);
    BlockRunOptions options;
    options.sampleRate = rate;
    options.wanted = [rate](int64_t frame)
    {
        const double t = double(frame) / rate;
        return (t >= 0.3 && t < 1.1) || (t >= 1.5 && t < 2.5);
    };
    options.onChange = [record](bool on) { record->setValueNotifyingHost(on ? 1.0f : 0.0f); };
    options.trap = RealtimeTrap::isAvailable();
    const auto run = runBlocks(processor, makeCaptureSignal(channels, int64_t(3 * rate)), options);
    waitUntilSettled(processor);
    processor.releaseResources();

    CHECK(run.passThroughMismatches == 0);
    if (options.trap)
    {
        INFO(run.trappedBlocks << " blocks trapped");
        CHECK(run.trappedBlocks > 0);
        CHECK(run.trapped.allocations == 0);
        CHECK(run.trapped.frees == 0);
        CHECK(run.trapped.locks == 0);
    }
    const auto status = processor.getStatus();
    CHECK(status.lastError.empty());
    CHECK(status.dropCount == 0);
    CHECK(status.takesCompleted == 2);
    checkTakes({}, dir.path(), run, channels);
}

TEST_CASE("Processor: Follow transport records while the host plays, only when armed", "[plugin][transport]")
{
    TestDir dir;
    CaptureProcessor processor;
    recordInto(processor, dir, RecordingFormat::wav32f);
    setParameter(processor, CaptureProcessor::ParameterIds::followTransport, 1.0f);

    TestPlayHead head;
    processor.setPlayHead(&head);
    const double rate = 44100.0;
    processor.prepareToPlay(rate, 512);

    SECTION("armed: a take for each stretch the transport played")
    {
        BlockRunOptions options;
        options.sampleRate = rate;
        options.wanted = [rate](int64_t frame)
        {
            const double t = double(frame) / rate;
            return (t >= 0.25 && t < 1.0) || (t >= 1.6 && t < 2.4);
        };
        options.onChange = [&head](bool playing) { head.playing = playing; };
        const auto run = runBlocks(processor, makeCaptureSignal(2, int64_t(3 * rate)), options);
        waitUntilSettled(processor);
        processor.releaseResources();
        CHECK(run.passThroughMismatches == 0);
        checkTakes({}, dir.path(), run, 2);
    }
    SECTION("disarmed: the transport plays, nothing is recorded")
    {
        setParameter(processor, CaptureProcessor::ParameterIds::arm, 0.0f);
        BlockRunOptions options;
        options.sampleRate = rate;
        options.wanted = [](int64_t) { return true; };
        options.onChange = [&head](bool playing) { head.playing = playing; };
        const auto run = runBlocks(processor, makeCaptureSignal(2, int64_t(1 * rate)), options);
        waitUntilSettled(processor);
        processor.releaseResources();
        CHECK(run.passThroughMismatches == 0);
        CHECK(takesIn(dir.path(), ".wav").empty());
        CHECK(processor.getStatus().takesCompleted == 0);
    }
    processor.setPlayHead(nullptr);
}

TEST_CASE("Processor: the host's track name fills %track%", "[plugin]")
{
    TestDir dir;
    CaptureProcessor processor;
    recordInto(processor, dir, RecordingFormat::wav16, "%track%-%take%");
    juce::AudioProcessor::TrackProperties track;
    track.name = "Lead Vocal";
    processor.updateTrackProperties(track);
    processor.prepareToPlay(48000.0, 256);

    auto* record = processor.getParameters().getParameter(CaptureProcessor::ParameterIds::record);
    BlockRunOptions options;
    options.wanted = [](int64_t frame) { return frame >= 4800 && frame < 24000; };
    options.onChange = [record](bool on) { record->setValueNotifyingHost(on ? 1.0f : 0.0f); };
    runBlocks(processor, makeCaptureSignal(2, 48000), options);
    waitUntilSettled(processor);
    processor.releaseResources();

    const auto takes = takesIn(dir.path(), ".wav");
    REQUIRE(takes.size() == 1);
    CHECK(takes[0].filename().string().rfind("Lead Vocal", 0) == 0);
}

TEST_CASE("Processor: an MP4 take carries the spectrum-visualizer video next to the audio", "[plugin][video]")
{
    TestDir dir;
    CaptureProcessor processor;
    auto settings = processor.getSettings();
    settings.format = RecordingFormat::mp4Video;
    settings.folder = dir.path().string();
    settings.pattern = "take%take%";
    settings.videoWidth = 320;
    settings.videoHeight = 180;
    processor.setSettings(settings);
    processor.prepareToPlay(48000.0, 512);

    auto* record = processor.getParameters().getParameter(CaptureProcessor::ParameterIds::record);
    BlockRunOptions options;
    options.maxSpeed = 2.0; // the video is drawn and encoded as it goes
    options.wanted = [](int64_t frame) { return frame >= 4800 && frame < 4800 + 48000; };
    options.onChange = [record](bool on) { record->setValueNotifyingHost(on ? 1.0f : 0.0f); };
    const auto run = runBlocks(processor, makeCaptureSignal(2, 60000), options);
    waitUntilSettled(processor);
    processor.releaseResources();

    CHECK(run.passThroughMismatches == 0);
    CHECK(processor.getStatus().lastError.empty());
    const auto takes = takesIn(dir.path(), ".mp4");
    REQUIRE(takes.size() == 1);
    const auto streams = probeStreamCounts(takes[0]);
    CHECK(streams.at("audio") == 1);
    CHECK(streams.at("video") == 1);
    CHECK(probeFormat(takes[0]).number("duration") == Approx(1.0).margin(0.05));
}

TEST_CASE("Processor: the Pre-roll parameter puts the audio from before Record at the head of the take",
          "[plugin][preroll]")
{
    TestDir dir;
    CaptureProcessor processor;
    recordInto(processor, dir, RecordingFormat::wav32f);
    setParameter(processor, CaptureProcessor::ParameterIds::preRoll, 0.5f);
    processor.prepareToPlay(48000.0, 480); // applies the parameters and settings

    auto* record = processor.getParameters().getParameter(CaptureProcessor::ParameterIds::record);
    const auto signal = makeCaptureSignal(2, 120000);
    BlockRunOptions options;
    options.blockSizes = {480};
    options.wanted = [](int64_t frame) { return frame >= 48000 && frame < 96000; };
    options.onChange = [record](bool on) { record->setValueNotifyingHost(on ? 1.0f : 0.0f); };
    runBlocks(processor, signal, options);
    waitUntilSettled(processor);
    processor.releaseResources();

    std::vector<float> expected; // frames 24000..96000: 0.5 s of pre-roll, then the 1 s recorded
    for (int64_t i = 24000; i < 96000; ++i)
        for (const auto& channel : signal)
            expected.push_back(channel[size_t(i)]);
    const auto takes = takesIn(dir.path(), ".wav");
    REQUIRE(takes.size() == 1);
    CHECK(compareSamples(decodeAudio<float>(takes[0]), expected) == "identical");
}

TEST_CASE("Editor: shows a take in progress, at its default size and resized", "[plugin][editor]")
{
    TestDir dir;
    CaptureProcessor processor;
    auto settings = processor.getSettings();
    settings.format = RecordingFormat::flac;
    settings.folder = dir.path().string();
    processor.setSettings(settings);
    processor.prepareToPlay(48000.0, 512);

    auto* record = processor.getParameters().getParameter(CaptureProcessor::ParameterIds::record);
    BlockRunOptions options;
    options.maxSpeed = 1.0; // real time, so that the take's elapsed time is what the editor shows
    options.wanted = [](int64_t frame) { return frame >= 4800; };
    options.onChange = [record](bool on)
    {
        if (on)
            record->setValueNotifyingHost(1.0f);
    };
    runBlocks(processor, makeCaptureSignal(2, 48000), options);

    // The editor reads the status when it opens (and then on its timer, which needs a running message loop).
    std::unique_ptr<juce::AudioProcessorEditor> editor(processor.createEditor());
    REQUIRE(editor != nullptr);
    CHECK(editor->getWidth() == 640);
    CHECK(editor->getHeight() == 420);
    CHECK(editor->isResizable());
    CHECK(processor.getStatus().state == capstan::TakeRecorder::State::recording);

    for (const auto& [width, height] : {std::pair{640, 420}, std::pair{1000, 620}, std::pair{600, 400}})
    {
        editor->setSize(width, height);
        const auto image = editor->createComponentSnapshot(editor->getLocalBounds());
        REQUIRE(image.isValid());
        const auto file =
            juce::File(dir.file("editor-" + std::to_string(width) + "x" + std::to_string(height) + ".png").string());
        juce::FileOutputStream stream(file);
        REQUIRE(stream.openedOk());
        CHECK(juce::PNGImageFormat().writeImageToStream(image, stream));
        // Not blank: the recording red of the state line is somewhere in the picture.
        bool sawRed = false;
        for (int y = 0; y < image.getHeight() && !sawRed; y += 2)
            for (int x = 0; x < image.getWidth() && !sawRed; x += 2)
                sawRed = image.getPixelAt(x, y).getRed() > 200 && image.getPixelAt(x, y).getGreen() < 90;
        CHECK(sawRed);
    }
    editor.reset();
    record->setValueNotifyingHost(0.0f);
    processor.releaseResources();
}
