#pragma once

#include "SignalStats.h"

#include <cstdint>
#include <mutex>
#include <vector>

namespace capstan
{

/** Measures what goes into the files, on the encoder thread (never the audio thread): the peak per channel (for a
    meter), the samples at or beyond full scale (clipping), and runs where every channel keeps one value (digital
    silence, DC, a stuck input). A run that lasts `warnAfterSeconds` raises a warning: counted and published in
    SignalStats, listed for the sidecars. It never stops anything.

    The timeline is measured as written, so the silence that stands in for dropped audio counts as silence. */
class SignalMonitor
{
public:
    /** `warnAfterSeconds` 0 turns the warning off (levels are still measured). */
    SignalMonitor(int numChannels, int sampleRate, double warnAfterSeconds, SignalStats& stats);

    /** The next `numFrames` of the timeline, planar; `planes` null: that many frames of silence. */
    void process(const float* const* planes, int64_t numFrames);

    /** At the end: a recording that was one run from its first sample (silent all along) is warned about whatever
        its length, since it never reached the threshold. */
    void finish();

    /** True once each time a run reached the threshold or a warned run ended: the sidecars should be rewritten. */
    bool takeWarningChange();

    /** Every warned run so far, the last one possibly still growing (timeline frames). Encoder thread only. */
    const std::vector<SignalRun>& warnedRuns() const { return warned; }

    /** What the sidecars show, copied for the output workers (any thread; a short lock, never the audio thread). */
    struct SidecarView
    {
        std::vector<SignalRun> runs;
        float maxPeak = 0;
        int64_t fullScaleSamples = 0;
    };
    SidecarView sidecarView() const;
    int64_t fullScaleSamples() const { return fullScale; }
    float maxPeak() const { return loudest; }

private:
    void processChunk(const float* const* planes, int64_t numFrames);
    /** The current run now ends at `end`: warn when it reached the threshold, or extend the warned run. */
    void runReaches(int64_t end, bool atEnd = false);
    void publish();
    void measureLevels(const float* const* planes, int64_t numFrames);

    int numChannels;
    int sampleRate;
    int64_t warnFrames;
    int64_t chunkFrames;
    SignalStats& stats;

    int64_t position = 0;          ///< timeline frames seen
    int64_t runStart = 0;          ///< where the run of identical frames in progress began
    std::vector<float> runValues;  ///< its value per channel
    bool runWarned = false;        ///< the run in progress is the last entry of `warned`
    std::vector<SignalRun> warned; ///< encoder thread only
    bool warningChanged = false;

    int64_t windowFrames; ///< meter window (0.1 s)
    int64_t windowFilled = 0;
    std::vector<float> windowPeaks;   ///< the window being filled
    std::vector<float> previousPeaks; ///< the last complete window
    std::vector<float> shownPeaks;
    float loudest = 0;
    int64_t fullScale = 0;
    std::vector<float> zeros;
    std::vector<const float*> offsetPlanes;

    mutable std::mutex viewMutex;
    SidecarView view;
};

} // namespace capstan
