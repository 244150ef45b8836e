#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace capstan
{

/** The slicing study's third path: torchaudio 0.13's real `torchaudio.io.StreamWriter` (Debian's python3-torchaudio,
    on the same FFmpeg), driven by torchaudio_slices.py (beside this file; its text is compiled in) under a Python
    interpreter. The signal goes over as raw float32, is written in slices exactly as the tutorial did, and the files
    come back for the study to decode and measure like the other two paths. */
class TorchaudioSliceEncoder
{
public:
    /** Whether `python` can import torchaudio: its version, or why not (one line). */
    struct Availability
    {
        bool available = false;
        std::string version; ///< e.g. "0.13.1"
        std::string reason;  ///< why it is not available
    };
    static Availability probe(const std::string& python);

    struct Job
    {
        std::filesystem::path input; ///< raw mono float32, native byte order
        int sampleRate = 0;
        std::string encoder;
        int64_t bitRate = 0;   ///< 0: torchaudio's default (no "b" option)
        int64_t sliceSize = 0; ///< 0: all at once
        std::filesystem::path output;
    };

    /** Runs every job in one Python process (importing torch takes seconds). Throws capstan::Error with Python's
        message when torchaudio fails; `jobsFile` is where the job list is written. */
    static void encode(const std::string& python, const std::vector<Job>& jobs, const std::filesystem::path& jobsFile);

    /** Writes samples as raw float32 for a Job's input. */
    static void writeRaw(const std::vector<float>& samples, const std::filesystem::path& file);
};

} // namespace capstan
