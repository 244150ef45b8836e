#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace capstan
{

/** The slicing study's input signals, mono float at the study's rate: two generated ones and two real recordings
    that Debian packages ship (Scripts/setup.sh installs them). */
class StudySignals
{
public:
    /** Where a recorded signal comes from: files played one after another, and the package that ships them. */
    struct Recording
    {
        std::vector<std::filesystem::path> files;
        std::string package;
        std::string description;
    };

    /** "recorded-speech": alsa-utils' channel announcements (a human voice saying "Front left", "Front center",
        "Front right"); "recorded-music": sonic-pi-samples' loop_tabla.flac (a tabla loop recorded by lezaarth,
        CC0, from freesound). */
    static std::map<std::string, Recording> defaultRecordings();

    /** Every signal name the study takes: "speech", "music" (generated) and the recordings' names. */
    static std::vector<std::string> names();

    static bool isRecorded(const std::string& name) { return name.rfind("recorded-", 0) == 0; }

    /** A generated signal, deterministic, peak about -3 dBFS: "speech" (voiced syllables with moving formants,
        fricative noise, pauses over a low room tone) or "music" (decaying harmonic chords with percussive noise
        hits). */
    static std::vector<float> generate(const std::string& name, int sampleRate, int64_t numSamples);

    /** A recording decoded with MediaReader, mixed to mono and resampled to `sampleRate`, its files played in turn
        and repeated until `numSamples`. Returns false, with `missing` saying which file and which package, when a
        file is not there. */
    static bool load(const Recording& recording, int sampleRate, int64_t numSamples, std::vector<float>& samples,
                     std::string& missing);
};

} // namespace capstan
