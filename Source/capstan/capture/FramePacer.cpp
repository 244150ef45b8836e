#include "FramePacer.h"

#include <capstan/media/Error.h>

#include <algorithm>
#include <cmath>

namespace capstan
{

FramePacer::FramePacer(int sampleRate_, Rational frameRate_, Mode mode_)
    : sampleRate(sampleRate_), frameRate(frameRate_), mode(mode_)
{
    if (sampleRate <= 0 || !frameRate.isValid())
        throw Error("FramePacer: the sample rate and the frame rate must be positive");
    halfFrame = 0.5 * double(sampleRate) * frameRate.den / frameRate.num;
}

int64_t FramePacer::slotPosition(int64_t slot) const
{
    // Exact in integers: slot * sampleRate * den stays far below 2^63 for any recording length.
    const int64_t scaled = slot * int64_t(sampleRate) * frameRate.den;
    const int64_t q = scaled / frameRate.num;
    return (scaled % frameRate.num != 0 && scaled < 0) ? q - 1 : q;
}

int64_t FramePacer::firstSlotAtOrAfter(int64_t position) const
{
    int64_t slot = int64_t(std::floor(double(position) * frameRate.num / (double(sampleRate) * frameRate.den)));
    while (slotPosition(slot) < position)
        ++slot;
    while (slotPosition(slot - 1) >= position)
        --slot;
    return slot;
}

FramePacer::Emission FramePacer::showLatestUpTo(int64_t endSlot, bool replaced)
{
    Emission emission{nextSlot, std::max<int64_t>(0, endSlot - nextSlot), latestShown};
    if (emission.count == 0)
    {
        emission.skipped = replaced && !latestShown;
        if (emission.skipped)
            ++skipped;
        return emission;
    }
    if (mode == Mode::constantFrameRate)
        duplicated += latestShown ? emission.count : emission.count - 1;
    else
        emission.count = latestShown ? 0 : 1; // the container holds it until the next picture
    latestShown = latestShown || emission.count > 0;
    nextSlot = endSlot;
    return emission;
}

FramePacer::Emission FramePacer::frameArrived(int64_t position)
{
    if (arrived == 0)
    {
        ++arrived;
        firstPosition = lastPosition = position;
        nextSlot = firstSlotAtOrAfter(int64_t(std::ceil(double(position) - halfFrame)));
        return {nextSlot, 0, false, false};
    }
    ++arrived;
    position = std::max(position, lastPosition);
    lastPosition = position;
    if (arrived == driftFrom + 1)
        firstPosition = position;
    const Emission emission =
        showLatestUpTo(firstSlotAtOrAfter(int64_t(std::ceil(double(position) - halfFrame))), true);
    latestShown = false;
    return emission;
}

FramePacer::Emission FramePacer::hold(int64_t position)
{
    if (arrived == 0 || finished)
        return {nextSlot, 0, latestShown};
    return showLatestUpTo(firstSlotAtOrAfter(position), false);
}

FramePacer::Emission FramePacer::finish(int64_t endPosition)
{
    if (arrived == 0 || finished)
        return {nextSlot, 0, latestShown};
    finished = true;
    return showLatestUpTo(firstSlotAtOrAfter(endPosition), false);
}

double FramePacer::driftPpm() const
{
    const double seconds = double(lastPosition - firstPosition) / sampleRate;
    if (arrived - driftFrom < 2 || seconds < 1.0)
        return 0.0;
    const double ppm = (double(arrived - driftFrom - 1) / seconds / frameRate.toDouble() - 1.0) * 1e6;
    return std::abs(ppm) < 0.05 ? 0.0 : ppm; // no "-0 ppm" from rounding
}

} // namespace capstan
