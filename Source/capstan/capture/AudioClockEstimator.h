#pragma once

#include <cstdint>
#include <vector>

namespace capstan
{

/** Where the audio sample clock is at a given moment of the steady clock, for a thread that is not the audio thread.

    The recorder's clock (Recorder::clockPosition()) moves in callback-sized steps and only when a callback runs, so
    reading it when a video frame arrives is off by up to a callback, and it is on the sound card's crystal, not on
    the computer's. A least-squares line through the recent (steady time, clock) readings gives the sound card's real
    rate, and the line of that slope through the reading that lags least (the upper envelope: no reading is ahead of
    the true clock) a smooth position; mapping every frame's capture time through it puts the picture on the
    audio clock, and the drift between the two clocks comes out of the mapping. Until the clock has moved for a
    while, the nominal sample rate is assumed from the latest reading.

    Pure logic: the capture thread calls observe() and positionAt(); no allocation after construction. */
class AudioClockEstimator
{
public:
    /** `windowSeconds`: how far back readings count (longer: smoother; shorter: follows changes faster). */
    explicit AudioClockEstimator(int sampleRate, double windowSeconds = 10.0, int maxReadings = 1024);

    /** A reading: at `steadySeconds` the clock read `clock`. Readings must come in time order. */
    void observe(double steadySeconds, int64_t clock);

    /** The clock's estimated position at `steadySeconds` (may be before or after the readings). */
    int64_t positionAt(double steadySeconds) const;

    /** Audio frames per steady second, as measured (the nominal rate until enough readings). */
    double measuredRate() const { return rate; }
    int readings() const { return count; }

private:
    void refit();

    int sampleRate;
    double window;
    std::vector<double> times;
    std::vector<double> clocks;
    int head = 0;        ///< next slot in the ring
    int count = 0;       ///< readings in the ring
    bool moving = false; ///< the clock has advanced since the first reading
    double rate;
    double originTime = 0; ///< the fit is clock = originClock + rate * (t - originTime)
    double originClock = 0;
};

} // namespace capstan
