#pragma once

#include "SpectrumAnalyser.h"
#include "SpectrumRenderer.h"

#include <capstan/media/Formats.h>

#include <cstdint>
#include <functional>
#include <span>
#include <vector>

namespace capstan
{

struct SpectrumVisualizerConfig
{
    int sampleRate = 0;
    int numChannels = 0;
    Rational frameRate{20, 1};
    int fftSize = SpectrumAnalyser::defaultFftSize;
    /** Highest frequency drawn (Hz), at the right edge; 0 or above Nyquist: Nyquist. On a linear axis the full band
        squeezes speech and most music into the left fifth of the picture, hence 8 kHz by default. */
    double maxFrequency = 8000.0;
    int width = 320;
    int height = 240;
    SpectrumStyle style;
};

/** Turns audio into spectrum video frames on the audio sample clock.

    Frame i belongs at time i / frameRate. Its analysis window is the fftSize samples centred on sample
    floor(i * sampleRate / frameRate), computed in integers, so the hop is sampleRate / frameRate on average and
    never drifts (at 44100 Hz and 30000/1001 fps it alternates between 1471 and 1472 samples). Samples before the
    start or after the end of the audio count as silence.

    Feed audio in chunks of any size with pushAudio(); a frame is drawn as soon as its window is complete (fftSize / 2
    samples after its time), and finish() draws the rest. The video has frameCountFor(samples) frames: every frame
    whose time falls inside the audio, so video and audio end less than one frame period apart.
    Frames come out as bgra (capstan::PixelFormat::bgra), width * height * 4 bytes. */
class SpectrumVisualizer
{
public:
    /** frameIndex, pixels (valid during the call only). */
    using FrameCallback = std::function<void(int64_t, std::span<const uint8_t>)>;

    /** Throws capstan::Error naming the bad field (sample rate, channels, frame rate, FFT size or picture size). */
    explicit SpectrumVisualizer(const SpectrumVisualizerConfig& config);

    /** Interleaved float samples, numChannels per frame (mixed to mono). Calls `onFrame` for each completed frame. */
    void pushAudio(std::span<const float> interleaved, const FrameCallback& onFrame);

    /** The audio has ended: draws every remaining frame up to frameCountFor(samplesPushed()). Call once. */
    void finish(const FrameCallback& onFrame);

    int64_t samplesPushed() const { return totalSamples; }
    int64_t framesDrawn() const { return nextFrame; }
    const SpectrumVisualizerConfig& config() const { return settings; }
    PixelFormat pixelFormat() const { return PixelFormat::bgra; }

    /** Sample at the centre of frame i's window: floor(i * sampleRate * den / num). */
    static int64_t frameCentreSample(int64_t frame, int sampleRate, Rational frameRate);
    /** Frames whose time i / frameRate is before the end of `numSamples` samples: ceil(numSamples * num /
        (sampleRate * den)). */
    static int64_t frameCountFor(int64_t numSamples, int sampleRate, Rational frameRate);

private:
    void drawFrame(int64_t frame, const FrameCallback& onFrame);

    SpectrumVisualizerConfig settings;
    SpectrumAnalyser analyser;
    SpectrumRenderer renderer;
    std::vector<float> history; ///< mono samples from absolute index historyStart on
    std::vector<float> window;
    size_t visibleBins = 0;
    int64_t historyStart = 0;
    int64_t totalSamples = 0;
    int64_t nextFrame = 0;
    bool finished = false;
};

} // namespace capstan
