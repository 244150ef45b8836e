// The Standalone build's audio policy: its input is what it records, so the input is never muted; its output is
// muted instead (a microphone beside the speakers would feed back) unless the user listens.

#include "CaptureProcessor.h"
#include "PluginTestSupport.h"
#include "support/TestSupport.h"

#include <catch2/catch.hpp>

using namespace capstan::test;
using capstan::RecordingFormat;
using capstan::plugin::CaptureProcessor;

TEST_CASE("Standalone: the take has the input while the output is silent, unless Listen is on", "[plugin]")
{
    TestDir dir;
    // What JUCE's Standalone wrapper does before it creates the processor.
    juce::AudioProcessor::setTypeOfNextNewPlugin(juce::AudioProcessor::wrapperType_Standalone);
    CaptureProcessor processor;
    juce::AudioProcessor::setTypeOfNextNewPlugin(juce::AudioProcessor::wrapperType_Undefined);
    REQUIRE(processor.wrapperType == juce::AudioProcessor::wrapperType_Standalone);
    CHECK(processor.isOutputMuted());

    auto settings = processor.getSettings();
    settings.format = RecordingFormat::wav32f;
    settings.folder = dir.path().string();
    settings.pattern = "standalone%take%";
    processor.setSettings(settings);
    processor.prepareToPlay(48000.0, 512);

    const bool listen = GENERATE(false, true);
    processor.setMonitoring(listen);
    INFO("Listen " << (listen ? "on" : "off"));
    auto* record = processor.getParameters().getParameter(CaptureProcessor::ParameterIds::record);
    BlockRunOptions options;
    options.wanted = [](int64_t frame) { return frame >= 4800 && frame < 4800 + 24000; };
    options.onChange = [record](bool on) { record->setValueNotifyingHost(on ? 1.0f : 0.0f); };
    const auto signal = makeCaptureSignal(2, 48000);
    const auto run = runBlocks(processor, signal, options);
    for (int i = 0; i < 500 && processor.getStatus().takesCompleted < 1; ++i)
        juce::Thread::sleep(10);
    processor.releaseResources();

    // Muted: every sample that was not already zero came out as zero. Listening: bit-exact, as in a DAW.
    int64_t nonZero = 0;
    for (const auto& channel : signal)
        for (float x : channel)
            nonZero += x != 0.0f ? 1 : 0;
    CHECK(run.passThroughMismatches == (listen ? 0 : nonZero));
    // Either way, the take holds the input.
    const auto takes = takesIn(dir.path(), ".wav");
    REQUIRE(takes.size() == 1);
    REQUIRE(run.expectedTakes.size() == 1);
    CHECK(compareSamples(decodeAudio<float>(takes[0]), run.expectedTakes[0]) == "identical");
}

TEST_CASE("Standalone: in a plugin format the output is the input (the Standalone's mute does not apply)", "[plugin]")
{
    juce::AudioProcessor::setTypeOfNextNewPlugin(juce::AudioProcessor::wrapperType_VST3);
    CaptureProcessor processor;
    juce::AudioProcessor::setTypeOfNextNewPlugin(juce::AudioProcessor::wrapperType_Undefined);
    CHECK_FALSE(processor.isOutputMuted());
    processor.prepareToPlay(48000.0, 512);
    BlockRunOptions options;
    options.wanted = [](int64_t) { return false; };
    const auto run = runBlocks(processor, makeCaptureSignal(2, 4800), options);
    CHECK(run.passThroughMismatches == 0);
    processor.releaseResources();
}
