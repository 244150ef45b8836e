#pragma once

#include "SlicingStudy.h"

#include <ostream>
#include <string>
#include <vector>

namespace capstan
{

/** The sentences of the slicing study's report that are computed from its results: the findings per signal and
    encoder, and where the simulation of the legacy writers agrees or disagrees with the real torchaudio. Nothing
    here is written by hand: every number comes from the results. */
class SlicingFindings
{
public:
    static void writeFindings(std::ostream& md, const SlicingStudy& study, const std::vector<SlicingResult>& results,
                              const std::vector<std::string>& signals);

    /** The "Simulation vs torchaudio" section: decoded samples, declared durations and the gap positions (through
        the content SNR), each disagreement said with its numbers. */
    static void writeComparison(std::ostream& md, const SlicingStudy& study, const std::vector<SlicingResult>& results,
                                const std::vector<std::string>& signals);

    /** A torchaudio row's "vs sim." cell: "equal" or the agreement SNR, and the difference in decoded length. */
    static std::string agreement(const SlicingResult& r);

    /** The sample format torchaudio gives an encoder when left to its defaults: the first one the encoder lists. */
    static std::string defaultSampleFormat(const std::string& encoder);

    static const SlicingResult* find(const std::vector<SlicingResult>& results, const std::string& signal,
                                     const std::string& encoder, const std::string& path, int64_t slice);
};

} // namespace capstan
