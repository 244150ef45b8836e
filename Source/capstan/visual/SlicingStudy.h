#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

namespace capstan
{

struct SlicingStudyConfig
{
    std::vector<std::string> encoders{"aac", "libmp3lame", "libopus"};
    std::vector<int64_t> sliceSizes{8000, 4096, 1024, 512, 256, 64};
    std::vector<std::string> signals{"speech", "music"};
    double seconds = 4.0;
    int sampleRate = 48000;
    int64_t bitRate = 128000;
    std::filesystem::path workDir; ///< where the encoded files go (created)
};

/** One encode: a signal through an encoder along one path (legacy slicing or Capstan) at one slice size. */
struct SlicingResult
{
    std::string signal, encoder, path; ///< path: "legacy" or "capstan"
    int64_t sliceSize = 0;             ///< 0: the whole signal in one write (the reference)
    std::filesystem::path file;
    int64_t bytes = 0;
    bool identicalToReference = false; ///< same bytes as this path's all-at-once encode
    int frameSize = 0;
    int64_t gapCount = 0;   ///< zero runs the slicing inserted into what the encoder received
    int64_t gapSamples = 0; ///< their total length
    int64_t lag = 0;        ///< decoded-output delay found by cross-correlation (encoder/decoder delay)
    int64_t decodedSamples = 0;
    double declaredSeconds = 0; ///< the container's duration (0 when it declares none)
    double timelineSnr = 0; ///< dB, decoded vs input sample by sample after the delay: what a listener's timeline gets
    double contentSnr = 0;  ///< dB, the same with the inserted gaps skipped: the damage to the content itself
};

/** The AAC slice-artifact study: the same generated audio encoded in slices of several sizes, once as pre-FFmpeg-5
    writers did (each slice's short last frame zero-filled, see LegacySliceEncoder) and once through Capstan's
    StreamWriter (re-chunked to frame_size), decoded back with MediaReader and measured against the input. */
class SlicingStudy
{
public:
    explicit SlicingStudy(SlicingStudyConfig config);

    /** Runs every combination; `progress` gets a line per encode. Throws capstan::Error on any failure. */
    std::vector<SlicingResult> run(const std::function<void(const std::string&)>& progress = {});

    const SlicingStudyConfig& config() const { return settings; }

    /** The study's deterministic test signals, mono, peak about -3 dBFS: "speech" (voiced syllables with moving
        formants, fricative noise, pauses over a low room tone) or "music" (decaying harmonic chords with
        percussive noise hits). */
    static std::vector<float> generateSignal(const std::string& name, int sampleRate, int64_t numSamples);

    /** 10 log10(sum x^2 / sum (x - y)^2) over x's samples; y[i + lag] beside x[i], missing samples count as 0. */
    static double snr(const std::vector<float>& input, const std::vector<float>& decoded,
                      const std::vector<int64_t>& positions, int64_t lag);

    /** The lag in [minLag, maxLag] that best lines `decoded` up with `reference` (cross-correlation). */
    static int64_t findLag(const std::vector<float>& reference, const std::vector<float>& decoded, int64_t minLag,
                           int64_t maxLag);

    /** Decodes a file's audio to mono float at its own rate; `declaredSeconds` gets the container's duration. */
    static std::vector<float> decode(const std::filesystem::path& file, double& declaredSeconds);

private:
    SlicingStudyConfig settings;
};

} // namespace capstan
