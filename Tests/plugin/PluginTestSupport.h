#pragma once

// Helpers shared by the capture plugin's tests: a signal that every format under test stores exactly, a block loop
// that toggles Record (or a transport) at block boundaries and remembers which audio should have been recorded, and
// decoding the takes back with ffmpeg.

#include "realtime/RealtimeTrap.h"

#include <juce_audio_processors/juce_audio_processors.h>

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

namespace capstan::test
{

/** Planar audio. */
using Planar = std::vector<std::vector<float>>;

/** Deterministic noise at half scale, quantised to the 24-bit grid so that WAV 24-bit and 32-bit float takes hold it
    exactly. */
Planar makeCaptureSignal(int numChannels, int64_t numFrames, uint32_t seed = 7);

struct BlockRunResult
{
    std::vector<std::vector<float>> expectedTakes; ///< interleaved audio of each stretch with record wanted
    int64_t blocks = 0;
    int64_t passThroughMismatches = 0; ///< samples whose output differs from the input (bit by bit)
    TrapCounts trapped;                ///< allocations/locks inside processBlock while record was wanted
    int64_t trappedBlocks = 0;
};

struct BlockRunOptions
{
    /** Record wanted for the block that starts at `frame`. */
    std::function<bool(int64_t frame)> wanted;
    /** Called before a block whenever `wanted` changes (sets a parameter, or a test play head's transport). */
    std::function<void(bool record)> onChange;
    /** Block sizes, cycled. */
    std::vector<int> blockSizes{512, 1, 7, 100, 333, 64, 480, 256, 17};
    /** Keeps processing at most this many times faster than real time, so the encoder thread keeps up. */
    double maxSpeed = 6.0;
    double sampleRate = 48000.0;
    /** Counts allocations and locks inside processBlock (only while record is wanted). */
    bool trap = false;
};

/** Runs `signal` through `processor` (already prepared) block by block. */
BlockRunResult runBlocks(juce::AudioProcessor& processor, const Planar& signal, const BlockRunOptions& options);

/** The files in `folder` with extension `ext` (".wav"), sorted by name. */
std::vector<std::filesystem::path> takesIn(const std::filesystem::path& folder, const std::string& ext);

/** The parameter of `processor` whose name is `name` ("Record"), or nullptr. */
juce::AudioProcessorParameter* findParameter(juce::AudioProcessor& processor, const juce::String& name);

/** Sets CAPSTAN_RECORD_DIR for the plugin instances created afterwards in this process. */
void setRecordDir(const std::filesystem::path& folder);

/** Describes how `actual` differs from `expected` ("identical" when they match bit for bit). */
std::string compareSamples(const std::vector<float>& actual, const std::vector<float>& expected);

} // namespace capstan::test
