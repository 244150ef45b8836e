// The plugin's numeric readout beside its meters: the held peak (dBFS) and the count of samples at or over full
// scale, compared with the take's file, in a plugin format and in the Standalone (whose output is muted after the
// meters and the recorder have seen the block).

#include "CaptureProcessor.h"
#include "LevelMeter.h"
#include "PluginTestSupport.h"
#include "support/TestSupport.h"

#include <catch2/catch.hpp>

using namespace capstan::test;
using capstan::RecordingFormat;
using capstan::plugin::CaptureProcessor;
using capstan::plugin::LevelMeter;

TEST_CASE("Meters: the held peak and clip count are the take's file's, and a click resets them", "[plugin][meter]")
{
    TestDir dir;
    const bool standalone = GENERATE(false, true);
    INFO((standalone ? "Standalone" : "plugin format"));
    juce::AudioProcessor::setTypeOfNextNewPlugin(standalone ? juce::AudioProcessor::wrapperType_Standalone
                                                            : juce::AudioProcessor::wrapperType_Undefined);
    CaptureProcessor processor;
    juce::AudioProcessor::setTypeOfNextNewPlugin(juce::AudioProcessor::wrapperType_Undefined);
    auto settings = processor.getSettings();
    settings.format = RecordingFormat::wav32f; // keeps what is over full scale
    settings.folder = dir.path().string();
    settings.pattern = "hot%take%";
    processor.setSettings(settings);
    processor.prepareToPlay(48000.0, 512);

    // A hot signal: noise up to 1.25, so some samples are over full scale, some exactly at it.
    auto signal = makeCaptureSignal(2, 48000);
    for (auto& channel : signal)
        for (auto& x : channel)
            x *= 2.5f;
    signal[0][30000] = 1.0f;
    signal[1][30001] = -1.0f;

    // Something hot before the take: a take's start resets the figures, so they are the take's alone.
    juce::AudioBuffer<float> block(2, 256);
    juce::MidiBuffer midi;
    block.clear();
    block.setSample(0, 3, 4.0f);
    processor.processBlock(block, midi);
    CHECK(processor.heldPeak(0) == 4.0f);
    CHECK(processor.clipCount(0) == 1);

    auto* record = processor.getParameters().getParameter(CaptureProcessor::ParameterIds::record);
    BlockRunOptions options;
    options.wanted = [](int64_t frame) { return frame >= 4800; };
    options.onChange = [record](bool on) { record->setValueNotifyingHost(on ? 1.0f : 0.0f); };
    const auto run = runBlocks(processor, signal, options);
    record->setValueNotifyingHost(0.0f);
    block.clear(); // silence ends the take and changes nothing of the figures
    processor.processBlock(block, midi);
    for (int i = 0; i < 500 && processor.getStatus().takesCompleted < 1; ++i)
        juce::Thread::sleep(10);
    REQUIRE(processor.getStatus().takesCompleted == 1);

    const auto takes = takesIn(dir.path(), ".wav");
    REQUIRE(takes.size() == 1);
    const auto file = decodeAudio<float>(takes[0]);
    REQUIRE(run.expectedTakes.size() == 1);
    CHECK(compareSamples(file, run.expectedTakes[0]) == "identical");
    for (int c = 0; c < 2; ++c)
    {
        INFO("channel " << c);
        float peak = 0;
        int64_t overs = 0;
        for (size_t i = size_t(c); i < file.size(); i += 2)
        {
            peak = std::max(peak, std::abs(file[i]));
            overs += std::abs(file[i]) >= 1.0f ? 1 : 0;
        }
        CHECK(processor.heldPeak(c) == peak);
        CHECK(processor.clipCount(c) == overs);
        CHECK(overs > 1000);
        CHECK(peak > 1.2f);
    }
    // The plugin formats pass the audio on untouched; the Standalone mutes its output (after the meters).
    CHECK((run.passThroughMismatches == 0) == !standalone);

    // The editor shows them (a click on the meter resets them, done by the audio thread at its next block).
    CHECK(LevelMeter::formatPeak(processor.heldPeak(0)).endsWith(" dBFS"));
    CHECK(LevelMeter::formatPeak(processor.heldPeak(0)).startsWith("+1."));
    CHECK(LevelMeter::formatPeak(0.5f) == "-6.0 dBFS");
    CHECK(LevelMeter::formatPeak(0.0f) == "-inf dBFS");
    CHECK(LevelMeter::formatClips(0) == "no clips");
    CHECK(LevelMeter::formatClips(1) == "1 clip");
    CHECK(LevelMeter::formatClips(1234) == "1234 clips");
    if (!standalone)
    {
        std::unique_ptr<juce::AudioProcessorEditor> editor(processor.createEditor());
        editor->setSize(640, 420);
        const auto image = editor->createComponentSnapshot(editor->getLocalBounds());
        const auto out = juce::File(CAPSTAN_TEST_OUTPUT_DIR).getChildFile("editor-clipping.png");
        out.getParentDirectory().createDirectory();
        out.deleteFile();
        juce::FileOutputStream stream(out);
        REQUIRE(stream.openedOk());
        CHECK(juce::PNGImageFormat().writeImageToStream(image, stream));
        // The clip box is red: a bright red pixel exists in the meter's readout column.
        bool sawClipRed = false;
        for (int y = 0; y < image.getHeight() && !sawClipRed; ++y)
            for (int x = image.getWidth() - LevelMeter::readoutWidth - 40; x < image.getWidth() && !sawClipRed; ++x)
            {
                const auto pixel = image.getPixelAt(x, y);
                sawClipRed = pixel.getRed() > 180 && pixel.getGreen() < 60 && pixel.getBlue() < 60;
            }
        CHECK(sawClipRed);
    }
    processor.resetHeldLevels();
    processor.processBlock(block, midi);
    CHECK(processor.heldPeak(0) == 0.0f);
    CHECK(processor.clipCount(0) == 0);
    CHECK(processor.clipCount(1) == 0);
    processor.releaseResources();
}
