#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>

namespace capstan
{

/** What the recording's video source did: written by the source's capture thread (capture/VideoCapture), read by
    snapshots from any thread, shown in stats, sidecars and the app. The Recorder only carries it, so that every
    product reports a source the same way. */
class VideoSourceStats
{
public:
    struct Snapshot
    {
        bool active = false;             ///< a source was attached to this recording
        std::string source;              ///< e.g. "screen :99.0 1280x720 @ 30 fps"
        int64_t framesCaptured = 0;      ///< frames the source delivered while recording
        int64_t framesPushed = 0;        ///< frames handed to the recorder (duplicates included)
        int64_t framesDuplicated = 0;    ///< extra copies of a frame to fill the constant frame rate (source slow)
        int64_t framesSkipped = 0;       ///< source frames never written: two fell on one output frame (source fast)
        int64_t framesRefused = 0;       ///< frames the encoder could not take (its queue was full): dropped
        double driftPpm = 0;             ///< the source's measured frame rate against the audio clock, in ppm
        double secondsWithoutFrames = 0; ///< the longest wait between two frames while recording
        std::string problem;             ///< why the source stopped or failed, empty when it did not
        std::string toJson() const;
        /** One line for people, e.g. "screen :99 1280x720 @ 30 fps: 900 captured, 1 duplicated, ...". */
        std::string describe() const;
    };

    Snapshot snapshot() const;

    /** Capture thread (never the audio thread): may allocate and lock. */
    void describe(const std::string& source);
    void setProblem(const std::string& problem);

    // Single writer: the capture thread; relaxed.
    std::atomic<bool> active{false};
    std::atomic<int64_t> framesCaptured{0};
    std::atomic<int64_t> framesPushed{0};
    std::atomic<int64_t> framesDuplicated{0};
    std::atomic<int64_t> framesSkipped{0};
    std::atomic<int64_t> framesRefused{0};
    std::atomic<double> driftPpm{0.0};
    std::atomic<double> secondsWithoutFrames{0.0};

private:
    mutable std::mutex textMutex; ///< guards the strings; never taken by the audio thread
    std::string sourceText;
    std::string problemText;
};

} // namespace capstan
