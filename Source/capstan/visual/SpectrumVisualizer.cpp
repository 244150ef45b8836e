#include "SpectrumVisualizer.h"

#include <capstan/media/Error.h>

#include <algorithm>
#include <cmath>
#include <string>

namespace capstan
{

namespace
{
const SpectrumVisualizerConfig& validated(const SpectrumVisualizerConfig& config)
{
    if (config.sampleRate <= 0 || config.sampleRate > 1'000'000)
        throw Error("spectrum visualizer: sample rate " + std::to_string(config.sampleRate) +
                    " is not supported; accepted: 1 to 1000000 Hz");
    if (config.numChannels <= 0 || config.numChannels > 64)
        throw Error("spectrum visualizer: " + std::to_string(config.numChannels) +
                    " channels is not supported; accepted: 1 to 64");
    if (!config.frameRate.isValid() || config.frameRate.toDouble() > 1000.0)
        throw Error("spectrum visualizer: frame rate " + std::to_string(config.frameRate.num) + "/" +
                    std::to_string(config.frameRate.den) + " is not supported; accepted: a positive ratio up to 1000");
    return config;
}
} // namespace

SpectrumVisualizer::SpectrumVisualizer(const SpectrumVisualizerConfig& config)
    : settings(validated(config)), analyser(config.fftSize), renderer(config.width, config.height, config.style),
      window(size_t(config.fftSize), 0.0f)
{
    history.reserve(size_t(config.fftSize) * 4);
    const double nyquist = config.sampleRate / 2.0;
    const double top = (config.maxFrequency > 0.0 && config.maxFrequency < nyquist) ? config.maxFrequency : nyquist;
    visibleBins = size_t(std::clamp<int64_t>(int64_t(std::ceil(top * analyser.transformSize() / config.sampleRate)) + 1,
                                             2, analyser.numBins()));
}

int64_t SpectrumVisualizer::frameCentreSample(int64_t frame, int sampleRate, Rational frameRate)
{
    return frame * int64_t(sampleRate) * frameRate.den / frameRate.num;
}

int64_t SpectrumVisualizer::frameCountFor(int64_t numSamples, int sampleRate, Rational frameRate)
{
    const int64_t denominator = int64_t(sampleRate) * frameRate.den;
    return (numSamples * frameRate.num + denominator - 1) / denominator;
}

void SpectrumVisualizer::pushAudio(std::span<const float> interleaved, const FrameCallback& onFrame)
{
    if (finished)
        throw Error("spectrum visualizer: audio pushed after finish()");
    const size_t channels = size_t(settings.numChannels);
    if (interleaved.size() % channels != 0)
        throw Error("spectrum visualizer: " + std::to_string(interleaved.size()) +
                    " samples is not a whole number of " + std::to_string(channels) + "-channel frames");

    const size_t frames = interleaved.size() / channels;
    const float gain = 1.0f / float(channels);
    for (size_t i = 0; i < frames; ++i)
    {
        float sum = 0.0f;
        for (size_t c = 0; c < channels; ++c)
            sum += interleaved[i * channels + c];
        history.push_back(sum * gain);
    }
    totalSamples += int64_t(frames);

    const int64_t half = settings.fftSize / 2;
    while (frameCentreSample(nextFrame, settings.sampleRate, settings.frameRate) + half <= totalSamples)
        drawFrame(nextFrame, onFrame);
}

void SpectrumVisualizer::finish(const FrameCallback& onFrame)
{
    if (finished)
        return;
    finished = true;
    const int64_t count = frameCountFor(totalSamples, settings.sampleRate, settings.frameRate);
    while (nextFrame < count)
        drawFrame(nextFrame, onFrame);
}

void SpectrumVisualizer::drawFrame(int64_t frame, const FrameCallback& onFrame)
{
    const int64_t size = settings.fftSize;
    const int64_t start = frameCentreSample(frame, settings.sampleRate, settings.frameRate) - size / 2;
    const int64_t historyEnd = historyStart + int64_t(history.size());
    for (int64_t i = 0; i < size; ++i)
    {
        const int64_t sample = start + i;
        window[size_t(i)] =
            (sample >= historyStart && sample < historyEnd) ? history[size_t(sample - historyStart)] : 0.0f;
    }
    const auto levels = analyser.analyse(window);
    renderer.render(levels.first(std::min(levels.size(), visibleBins)));
    ++nextFrame;

    // Drop what no later window needs.
    const int64_t keepFrom =
        std::max(historyStart, frameCentreSample(nextFrame, settings.sampleRate, settings.frameRate) - size / 2);
    const int64_t drop = std::min<int64_t>(keepFrom - historyStart, int64_t(history.size()));
    if (drop > 0)
    {
        history.erase(history.begin(), history.begin() + drop);
        historyStart += drop;
    }
    onFrame(frame, renderer.bgra());
}

} // namespace capstan
