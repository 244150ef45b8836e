// The analyser, the renderer and the sample-clock frame scheduling of the spectrum visualizer.

#include "support/TestSupport.h"

#include <capstan/visual/SpectrumAnalyser.h>
#include <capstan/visual/SpectrumRenderer.h>
#include <capstan/visual/SpectrumVisualizer.h>

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <numbers>

using namespace capstan;

namespace
{
std::vector<float> sine(int numSamples, double frequency, int sampleRate, double amplitude, int64_t offset = 0)
{
    std::vector<float> samples(static_cast<size_t>(numSamples));
    for (int i = 0; i < numSamples; ++i)
        samples[size_t(i)] =
            float(amplitude * std::sin(2.0 * std::numbers::pi * frequency * double(i + offset) / sampleRate));
    return samples;
}

int peakBin(std::span<const float> levels)
{
    return int(std::max_element(levels.begin(), levels.end()) - levels.begin());
}
} // namespace

TEST_CASE("analyser puts a sine in its bin at the 4000-sample default", "[visual][analyser]")
{
    SpectrumAnalyser analyser;
    REQUIRE(analyser.fftSize() == 4000);
    REQUIRE(analyser.transformSize() == 4096); // zero-padded
    REQUIRE(analyser.numBins() == 2049);
    const int sampleRate = 44100;

    // Bin k is k * 44100 / 4096 Hz: pick frequencies on and between bins.
    for (const double frequency : {441.0, 1000.0, 5512.5, 12345.0})
    {
        CAPTURE(frequency);
        const auto levels = analyser.analyse(sine(4000, frequency, sampleRate, 0.5));
        const int expected = int(std::lround(frequency * 4096 / sampleRate));
        CHECK(peakBin(levels) == expected);
        CHECK(analyser.binFrequency(expected, sampleRate) == Approx(frequency).margin(44100.0 / 4096 / 2));
        // -6 dBFS sine: the magnitude reads 0.5 within the Hann window's scalloping loss (<= 1.5 dB).
        CHECK(analyser.magnitudes()[size_t(expected)] == Approx(0.5).epsilon(0.16));
        // Far from the sine there is only leakage far below the peak.
        CHECK(levels[size_t((expected + 1000) % 2049)] < levels[size_t(expected)] - 0.5f);
    }
}

TEST_CASE("analyser works at a power-of-two size and rejects sizes out of range", "[visual][analyser]")
{
    SpectrumAnalyser analyser(4096);
    const auto levels = analyser.analyse(sine(4096, 48000.0 * 300 / 4096, 48000, 1.0));
    CHECK(peakBin(levels) == 300);
    CHECK(levels[300] == Approx(1.0f).margin(0.01f));

    CHECK(SpectrumAnalyser(4001).transformSize() == 4096); // odd windows work too (padded)
    CHECK_THROWS_WITH(SpectrumAnalyser(1 << 21), Catch::Contains("1048576"));
    CHECK_THROWS_WITH(SpectrumAnalyser(8), Catch::Contains("16"));
    CHECK_THROWS_WITH(analyser.analyse(std::vector<float>(100)), Catch::Contains("exactly 4096"));
}

TEST_CASE("analyser reads silence as the floor", "[visual][analyser]")
{
    SpectrumAnalyser analyser(1024);
    const auto levels = analyser.analyse(std::vector<float>(1024, 0.0f));
    CHECK(*std::max_element(levels.begin(), levels.end()) == 0.0f);
}

TEST_CASE("renderer draws a frame of the requested size with the spectrum and the label", "[visual][renderer]")
{
    SpectrumRenderer renderer(320, 240);
    REQUIRE(renderer.width() == 320);
    REQUIRE(renderer.height() == 240);

    // One loud band in the left quarter, silence elsewhere.
    std::vector<float> levels(2001, 0.0f);
    for (int i = 200; i < 300; ++i)
        levels[size_t(i)] = 0.9f;
    renderer.render(levels);

    const auto bgra = renderer.bgra();
    REQUIRE(bgra.size() == size_t(320 * 240 * 4));
    std::vector<uint8_t> rgb(320 * 240 * 3);
    renderer.copyRgb24(rgb);

    const auto pixel = [&](int x, int y)
    {
        const size_t i = size_t(y * 320 + x) * 3;
        return std::array<int, 3>{rgb[i], rgb[i + 1], rgb[i + 2]};
    };
    // Inside the band, near the centre line: the fill colour (red dominates); mirrored above and below.
    const int bandX = 250 * 320 / 2001;
    const auto above = pixel(bandX, 120 - 40), below = pixel(bandX, 120 + 40);
    CHECK(above[0] > above[2] + 100);
    CHECK(above == below);
    // Far right, away from the label: background white.
    CHECK(pixel(300, 200) == std::array<int, 3>{255, 255, 255});
    // The label in the top-right corner draws some dark pixels there.
    int darkPixels = 0;
    for (int y = 0; y < 40; ++y)
        for (int x = 160; x < 320; ++x)
            darkPixels += pixel(x, y)[1] < 160 ? 1 : 0;
    CHECK(darkPixels > 50);

    // Drawing differs with the input (not a constant picture).
    const std::vector<uint8_t> first(bgra.begin(), bgra.end());
    renderer.render(std::vector<float>(2001, 0.0f));
    CHECK(!std::equal(first.begin(), first.end(), renderer.bgra().begin()));

    CHECK_THROWS_WITH(SpectrumRenderer(8, 240), Catch::Contains("16 to 7680"));
    CHECK_THROWS_WITH(renderer.copyRgb24(std::span<uint8_t>(rgb.data(), 10)), Catch::Contains("230400"));
}

TEST_CASE("visualizer frames follow the sample clock exactly, whatever the chunking", "[visual][clock]")
{
    // 30000/1001 fps at 44100 Hz: the hop alternates between 1471 and 1472 samples and never drifts.
    const Rational ntsc{30000, 1001};
    CHECK(SpectrumVisualizer::frameCentreSample(1, 44100, ntsc) == 1471);
    CHECK(SpectrumVisualizer::frameCentreSample(30000, 44100, ntsc) == int64_t(44100) * 1001);
    CHECK(SpectrumVisualizer::frameCountFor(44100, 44100, {20, 1}) == 20);
    CHECK(SpectrumVisualizer::frameCountFor(44101, 44100, {20, 1}) == 21);
    CHECK(SpectrumVisualizer::frameCountFor(0, 44100, {20, 1}) == 0);

    const int sampleRate = 48000;
    const auto signal = sine(sampleRate + 1234, 1000.0, sampleRate, 0.5);
    std::vector<float> stereo;
    for (float s : signal)
    {
        stereo.push_back(s);
        stereo.push_back(s);
    }

    auto run = [&](size_t chunkFrames)
    {
        SpectrumVisualizer visualizer({.sampleRate = sampleRate, .numChannels = 2, .frameRate = {20, 1}});
        std::vector<std::vector<uint8_t>> frames;
        const auto keep = [&](int64_t index, std::span<const uint8_t> pixels)
        {
            REQUIRE(index == int64_t(frames.size()));
            frames.emplace_back(pixels.begin(), pixels.end());
        };
        for (size_t start = 0; start < stereo.size(); start += chunkFrames * 2)
            visualizer.pushAudio(
                std::span<const float>(stereo).subspan(start, std::min(chunkFrames * 2, stereo.size() - start)), keep);
        visualizer.finish(keep);
        return frames;
    };
    const auto whole = run(stereo.size());
    REQUIRE(whole.size() == 21); // ceil((48000 + 1234) * 20 / 48000)
    for (size_t chunk : {1u, 7u, 512u, 2400u})
    {
        CAPTURE(chunk);
        CHECK(run(chunk) == whole);
    }
    // Frame 0 is centred on sample 0 (half its window is silence), frame 10 is fully inside the sine: they differ.
    CHECK(whole[0] != whole[10]);
}

TEST_CASE("visualizer rejects a bad configuration with a clear error", "[visual][clock]")
{
    CHECK_THROWS_WITH(SpectrumVisualizer({.sampleRate = 0, .numChannels = 2}), Catch::Contains("sample rate"));
    CHECK_THROWS_WITH(SpectrumVisualizer({.sampleRate = 48000, .numChannels = 0}), Catch::Contains("channels"));
    CHECK_THROWS_WITH(SpectrumVisualizer({.sampleRate = 48000, .numChannels = 1, .frameRate = {0, 1}}),
                      Catch::Contains("frame rate"));
    CHECK_THROWS_WITH(SpectrumVisualizer({.sampleRate = 48000, .numChannels = 1, .fftSize = 3}),
                      Catch::Contains("FFT size"));
    SpectrumVisualizer visualizer({.sampleRate = 48000, .numChannels = 2});
    CHECK_THROWS_WITH(visualizer.pushAudio(std::vector<float>(3), [](int64_t, std::span<const uint8_t>) {}),
                      Catch::Contains("whole number"));
}
