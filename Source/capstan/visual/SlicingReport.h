#pragma once

#include "SlicingStudy.h"

#include <filesystem>
#include <vector>

namespace capstan
{

/** Turns the slicing study's results into Docs: an SNR-vs-slice-size plot per encoder drawn with JUCE (PNG),
    spectrograms of the legacy (simulated and torchaudio) and Capstan AAC outputs at slice sizes 8000 and 512 (FFmpeg's
   showspectrumpic filter, run through the `ffmpeg` command-line tool), and a README.md with the root cause, the fix and
   the table. Every number on the page comes from `results`; the page is regenerated, never edited by hand. */
class SlicingReport
{
public:
    static void write(const SlicingStudy& study, const std::vector<SlicingResult>& results,
                      const std::filesystem::path& outDir);

    /** Draws one encoder's SNR against slice size (log axis) for every signal and path into a PNG. */
    static void plotSnr(const std::vector<SlicingResult>& results, const std::string& encoder,
                        const std::filesystem::path& png);

    /** Runs `ffmpeg ... -lavfi showspectrumpic` on an encoded file; throws capstan::Error with ffmpeg's message. */
    static void spectrogram(const std::filesystem::path& media, const std::filesystem::path& png);
};

} // namespace capstan
