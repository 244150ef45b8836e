#pragma once

#include <capstan/media/Formats.h>

#include <cstdint>

namespace capstan
{

/** Fits a source's frames, stamped on the audio sample clock, to the output's frame grid: the drift correction.

    The output's frame k is at floor(k * sampleRate / fps) on the audio clock. A source frame is shown from its own
    time on; each output frame takes the source frame nearest to it (frame n covers the output frames whose time lies
    in [p(n) - T/2, p(n+1) - T/2), T one output frame), which tolerates jitter up to T/2 in either direction. A source
    slower than the grid leaves an output frame with no new picture: the previous one is duplicated (constant frame
    rate) or held by the container (variable frame rate, nothing pushed). A faster source puts two pictures on one
    output frame: the older is skipped. OBS's video output does the same at its fixed rate.

    Pure logic, no clock and no thread: the capture thread feeds it and the tests drive it with exact numbers. */
class FramePacer
{
public:
    enum class Mode
    {
        constantFrameRate, ///< every output frame gets a picture: duplicates fill a slow source's gaps
        variableFrameRate  ///< a slow source leaves gaps (the container holds the picture); nothing is duplicated
    };

    /** What to do with the previous source frame, now that the next one's time is known. */
    struct Emission
    {
        int64_t firstSlot = 0; ///< the output frame index it is pushed at first
        int64_t count = 0;     ///< how many consecutive output frames get it; 0: none (skipped, or held)
        bool repeats = false;  ///< the picture was pushed before: every copy is a duplicate
        bool skipped = false;  ///< a newer picture took its only output frame: it is never shown
    };

    /** Throws capstan::Error for a sample rate or frame rate that is not positive. */
    FramePacer(int sampleRate, Rational frameRate, Mode mode = Mode::constantFrameRate);

    /** A source frame whose picture starts at `position` on the audio clock. Returns what the previous frame gets (a
        count of 0 for the first frame: it has no previous). A position before the previous frame's counts as equal. */
    Emission frameArrived(int64_t position);

    /** No new frame came (the source stalled or ended) and the audio clock is at `position`: the latest picture fills
        the output frames before it (constant frame rate; nothing with variable frame rate once it was pushed). */
    Emission hold(int64_t position);

    /** The source ended or the recording stopped at `endPosition`: the last frame fills the output frames before it
        (constant frame rate) or is pushed once (variable). Nothing when no frame arrived. Call once. */
    Emission finish(int64_t endPosition);

    /** Measures the drift from the next frame on (the frames before the recording, bunched while a device opened, do
        not count). */
    void restartDriftMeasure() { driftFrom = arrived; }

    /** Output frame `slot`'s time on the audio clock. */
    int64_t slotPosition(int64_t slot) const;
    /** The first output frame at or after `position`. */
    int64_t firstSlotAtOrAfter(int64_t position) const;

    int64_t framesArrived() const { return arrived; }
    int64_t framesDuplicated() const { return duplicated; }
    int64_t framesSkipped() const { return skipped; }
    /** The source's rate against the output's, measured on the audio clock: (arrivals per second / fps - 1) * 1e6.
        0 until frames span at least one second. */
    double driftPpm() const;

private:
    /** The latest picture for the output frames before `endSlot`; `replaced`: a newer picture arrived. */
    Emission showLatestUpTo(int64_t endSlot, bool replaced);

    int sampleRate;
    Rational frameRate;
    Mode mode;
    double halfFrame; ///< T/2 in samples
    int64_t arrived = 0;
    int64_t duplicated = 0;
    int64_t skipped = 0;
    int64_t nextSlot = 0;      ///< the first output frame not given a picture yet
    int64_t firstPosition = 0; ///< of frame `driftFrom`
    int64_t driftFrom = 0;
    int64_t lastPosition = 0;
    bool latestShown = false; ///< the latest picture got an output frame already
    bool finished = false;
};

} // namespace capstan
