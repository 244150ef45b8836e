#pragma once

#include <memory>
#include <span>
#include <vector>

namespace capstan
{

/** The magnitude spectrum of one window of mono audio, as the visualizer draws it.

    The window is fftSize samples (the tutorial's 4000 by default). The transform is FFmpeg's real-input DFT
    (libavutil/tx.h, AV_TX_FLOAT_RDFT) over the next power of two, the window zero-padded into it: FFmpeg 5.1 does
    compute a 4000-point RDFT, but its 4000 = 2^5 * 5^3 path falls back to a quadratic DFT (measured: 184 ms per
    transform against 32 us at 4096), and 5.1 has no RDFT of odd length at all. Zero padding keeps the window's
    frequency resolution and samples the spectrum a little more finely (bin spacing sampleRate / 4096).

    Each window is Hann-weighted; levels are in decibels relative to a full-scale sine and mapped linearly from
    [floorDecibels, 0 dB] to [0, 1], so 1.0 is a full-scale sine and 0 is anything at or below the floor.
    Not thread-safe; all memory is allocated in the constructor, analyse() allocates nothing. */
class SpectrumAnalyser
{
public:
    static constexpr int defaultFftSize = 4000;
    static constexpr float defaultFloorDecibels = -90.0f;

    /** Throws capstan::Error when fftSize is outside [16, 1 << 20]. */
    explicit SpectrumAnalyser(int fftSize = defaultFftSize, float floorDecibels = defaultFloorDecibels);
    ~SpectrumAnalyser();

    SpectrumAnalyser(const SpectrumAnalyser&) = delete;
    SpectrumAnalyser& operator=(const SpectrumAnalyser&) = delete;

    /** Samples per analysis window. */
    int fftSize() const { return size; }
    /** Points of the transform: the smallest power of two >= fftSize(). */
    int transformSize() const { return paddedSize; }
    /** transformSize() / 2 + 1: DC to Nyquist. */
    int numBins() const { return paddedSize / 2 + 1; }
    /** Centre frequency of a bin in Hz. */
    double binFrequency(int bin, double sampleRate) const { return bin * sampleRate / paddedSize; }

    /** Analyses exactly fftSize() samples; returns numBins() levels in [0, 1], valid until the next call. */
    std::span<const float> analyse(std::span<const float> window);

    /** The last result as linear magnitudes (1.0 = full-scale sine), numBins() values. */
    std::span<const float> magnitudes() const { return linear; }

private:
    struct Transform;

    int size;
    int paddedSize;
    float floorDecibels;
    std::unique_ptr<Transform> transform;
    std::vector<float> hann, linear, levels;
    float windowGain = 1.0f;
};

} // namespace capstan
