#include "AudioClockEstimator.h"

#include <algorithm>
#include <cmath>

namespace capstan
{

AudioClockEstimator::AudioClockEstimator(int sampleRate_, double windowSeconds, int maxReadings)
    : sampleRate(sampleRate_), window(windowSeconds), times(size_t(maxReadings)), clocks(size_t(maxReadings)),
      rate(double(sampleRate_))
{
}

void AudioClockEstimator::observe(double steadySeconds, int64_t clock)
{
    // Until the clock first moves (the audio has not started), only the latest reading counts: a flat run of
    // readings would pull the fitted rate down long after the audio started.
    if (!moving)
    {
        if (count > 0 && clock != clocks[size_t((head - 1 + int(times.size())) % int(times.size()))])
            moving = true;
        else
        {
            head = 0;
            count = 0;
        }
    }
    times[size_t(head)] = steadySeconds;
    clocks[size_t(head)] = double(clock);
    head = (head + 1) % int(times.size());
    if (count < int(times.size()))
        ++count;
    refit();
}

void AudioClockEstimator::refit()
{
    const int size = int(times.size());
    const int newest = (head - 1 + size) % size;
    const double now = times[size_t(newest)];
    // Readings inside the window, relative to the newest (keeps the sums small and exact enough in doubles).
    double n = 0, st = 0, sc = 0, stt = 0, stc = 0, oldest = now;
    for (int i = 0; i < count; ++i)
    {
        const int index = (newest - i + size) % size;
        const double t = times[size_t(index)] - now;
        if (t < -window)
            break;
        const double c = clocks[size_t(index)] - clocks[size_t(newest)];
        n += 1;
        st += t;
        sc += c;
        stt += t * t;
        stc += t * c;
        oldest = times[size_t(index)];
    }
    const double spanSeconds = now - oldest;
    const double denominator = n * stt - st * st;
    const double fitted = denominator > 0 ? (n * stc - st * sc) / denominator : 0.0;
    // Trust a measured rate once the clock has moved over half a second and the rate is plausible (within 5% of
    // the nominal: a sound card is off by ppm, never by percent; an audio clock that stopped is not a rate).
    rate = spanSeconds >= 0.5 && std::abs(fitted / sampleRate - 1.0) < 0.05 ? fitted : double(sampleRate);
    // Every reading lags the true clock (by up to a callback: it only moves when one runs), so the tightest
    // estimate is the upper envelope: the line of that slope through the reading that lags least.
    originTime = now;
    originClock = -1e300;
    for (int i = 0; i < count; ++i)
    {
        const int index = (newest - i + size) % size;
        if (times[size_t(index)] - now < -window)
            break;
        originClock = std::max(originClock, clocks[size_t(index)] + rate * (now - times[size_t(index)]));
    }
}

int64_t AudioClockEstimator::positionAt(double steadySeconds) const
{
    if (count == 0)
        return 0;
    return int64_t(std::llround(originClock + rate * (steadySeconds - originTime)));
}

} // namespace capstan
