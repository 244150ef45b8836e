#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "StudySignals.h"

namespace capstan
{

struct SlicingStudyConfig
{
    std::vector<std::string> encoders{"aac", "libmp3lame", "libopus"};
    std::vector<int64_t> sliceSizes{8000, 4096, 1024, 512, 256, 64};
    std::vector<std::string> signals = StudySignals::names();
    double seconds = 4.0;
    int sampleRate = 48000;
    int64_t bitRate = 128000;      ///< 0: each encoder's default (no bit rate set), as torchaudio's defaults
    std::filesystem::path workDir; ///< where the encoded files go (created)
    /** The real legacy path: torchaudio's StreamWriter run by this interpreter; skipped, with the reason, when it
        cannot import torchaudio. Empty: not run. */
    std::string python = CAPSTAN_STUDY_PYTHON;
    std::map<std::string, StudySignals::Recording> recordings = StudySignals::defaultRecordings();
};

/** One encode: a signal through an encoder along one path (legacy slicing or Capstan) at one slice size. */
struct SlicingResult
{
    std::string signal, encoder, path; ///< path: "legacy" (the simulation), "capstan" or "torchaudio"
    int64_t sliceSize = 0;             ///< 0: the whole signal in one write (the reference)
    std::filesystem::path file;
    int64_t bytes = 0;
    bool identicalToReference = false; ///< same bytes as this path's all-at-once encode
    int frameSize = 0;
    int64_t inputSamples = 0;
    int64_t gapCount = 0;   ///< zero runs the slicing inserted into what the encoder received (torchaudio: the
                            ///< simulation's prediction, checked by the content SNR)
    int64_t gapSamples = 0; ///< their total length
    int64_t lag = 0;        ///< decoded-output delay found by cross-correlation (encoder/decoder delay)
    int64_t decodedSamples = 0;
    double declaredSeconds = 0; ///< the container's duration (0 when it declares none)
    double timelineSnr = 0; ///< dB, decoded vs input sample by sample after the delay: what a listener's timeline gets
    double contentSnr = 0;  ///< dB, the same with the inserted gaps skipped: the damage to the content itself
    /** torchaudio rows: the decoded audio against the simulation's (legacy) at the same slice size, each lined up
        by its own lag; over their common length: */
    bool comparedWithSimulation = false;
    int64_t simulationDecodedSamples = 0;
    int64_t simulationLag = 0;
    double simulationDeclaredSeconds = 0;
    int64_t samplesDiffering = 0; ///< samples not equal over the common length
    double agreementSnr = 0;      ///< dB, simulation vs torchaudio over the common length; +inf when equal
    /** Equal samples over the common length, and the same length. */
    bool sameSamplesAsSimulation() const
    {
        return comparedWithSimulation && samplesDiffering == 0 &&
               decodedSamples - lag == simulationDecodedSamples - simulationLag;
    }
};

/** The AAC slice-artifact study: the same audio (generated and recorded) encoded in slices of several sizes along
    three paths: as pre-FFmpeg-5 writers did, simulated (each slice's short last frame zero-filled, see
    LegacySliceEncoder); through torchaudio 0.13's real StreamWriter when it can be imported (TorchaudioSliceEncoder);
    and through Capstan's StreamWriter (re-chunked to frame_size). Each output is decoded back with MediaReader and
    measured against the input. */
class SlicingStudy
{
public:
    explicit SlicingStudy(SlicingStudyConfig config);

    /** Runs every combination; `progress` gets a line per encode. Throws capstan::Error on any failure. */
    std::vector<SlicingResult> run(const std::function<void(const std::string&)>& progress = {});

    const SlicingStudyConfig& config() const { return settings; }

    /** After run(): what was not run and why (a missing recording, torchaudio not importable), one line each. */
    const std::vector<std::string>& skipped() const { return skips; }
    /** After run(): torchaudio's version when its path ran, else empty. */
    const std::string& torchaudioVersion() const { return torchaudio; }

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
    std::vector<std::string> skips;
    std::string torchaudio;
};

} // namespace capstan
