#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace capstan
{

/** A deterministic planar float signal addressed by absolute frame index, so that a test can rebuild exactly
    what a driver pushed. Samples can be held on the 16-bit grid (k / 32768), which 16-bit lossless encoders
    (FLAC s16, pcm_s16le) carry bit-exactly. */
class TestSignal
{
public:
    enum class Kind
    {
        tone,  ///< channel c at frequency * (c + 1)
        noise, ///< white noise from a hash of (seed, channel, frame)
        file   ///< a decoded file (capstan::MediaReader), looped
    };

    struct Spec
    {
        Kind kind = Kind::tone;
        int sampleRate = 48000;
        int numChannels = 2;
        double frequency = 440.0;
        double amplitude = 0.5;
        uint32_t seed = 1;
        bool quantize16 = true;
        std::string filePath;        ///< Kind::file
        double maxFileSeconds = 600; ///< Kind::file: decoded up to this much
    };

    /** Kind::file decodes (and converts to sampleRate/numChannels) here; throws capstan::Error when it cannot. */
    explicit TestSignal(const Spec& spec);

    /** Writes frames [start, start + numFrames) into planar `channels`. No allocation. */
    void render(float* const* channels, int64_t start, int numFrames) const noexcept;

    /** The same frames, interleaved, as a new vector (for comparisons in tests). */
    std::vector<float> interleaved(int64_t start, int64_t numFrames) const;

    const Spec& spec() const noexcept { return signalSpec; }

    static Kind parseKind(const std::string& name);

private:
    float sampleAt(int channel, int64_t frame) const noexcept;

    Spec signalSpec;
    std::vector<std::vector<float>> fileChannels;
};

} // namespace capstan
