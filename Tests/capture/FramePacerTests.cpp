// The drift correction with exact numbers: a source at the output's rate, faster, slower, jittered, stalled.
#include <capstan/capture/AudioClockEstimator.h>
#include <capstan/capture/FramePacer.h>
#include <capstan/media/Error.h>

#include <catch2/catch.hpp>

#include <cmath>
#include <random>
#include <vector>

using namespace capstan;

namespace
{
/** Feeds frames at `sourceFps` (measured on the audio clock) and returns, per output frame, the source frame shown. */
std::vector<int64_t> paceSource(FramePacer& pacer, int sampleRate, double sourceFps, int numFrames, double jitter = 0,
                                uint32_t seed = 1)
{
    std::mt19937 rng(seed);
    std::uniform_real_distribution<double> noise(-jitter, jitter);
    std::vector<int64_t> shown;
    auto place = [&](int64_t frame, FramePacer::Emission e)
    {
        for (int64_t i = 0; i < e.count; ++i)
        {
            REQUIRE(e.firstSlot + i == int64_t(shown.size())); // consecutive output frames, none missing
            shown.push_back(frame);
        }
    };
    for (int n = 0; n < numFrames; ++n)
    {
        const double seconds = n / sourceFps + noise(rng);
        place(n - 1, pacer.frameArrived(int64_t(std::llround(seconds * sampleRate))));
    }
    place(numFrames - 1, pacer.finish(int64_t(std::llround(numFrames / sourceFps * sampleRate))));
    return shown;
}
} // namespace

TEST_CASE("FramePacer: a source at the output's rate maps one to one")
{
    FramePacer pacer(48000, {30, 1});
    const auto shown = paceSource(pacer, 48000, 30.0, 300);
    REQUIRE(shown.size() == 300);
    for (size_t k = 0; k < shown.size(); ++k)
        REQUIRE(shown[k] == int64_t(k));
    CHECK(pacer.framesDuplicated() == 0);
    CHECK(pacer.framesSkipped() == 0);
    CHECK(std::abs(pacer.driftPpm()) < 1.0);
}

TEST_CASE("FramePacer: NTSC slots are exact in integers")
{
    FramePacer pacer(48000, {30000, 1001});
    CHECK(pacer.slotPosition(0) == 0);
    CHECK(pacer.slotPosition(1) == 1601); // 1601.6
    CHECK(pacer.slotPosition(30000) == 48048000);
    for (int64_t k : {0, 1, 2, 999, 30000, 123457})
    {
        CHECK(pacer.firstSlotAtOrAfter(pacer.slotPosition(k)) == k);
        CHECK(pacer.firstSlotAtOrAfter(pacer.slotPosition(k) + 1) == k + 1);
    }
    CHECK(pacer.firstSlotAtOrAfter(-5000) == -3);
}

TEST_CASE("FramePacer: a fast source skips, a slow one duplicates, and the picture stays within a frame")
{
    const int rate = 48000;
    for (const double sourceFps : {30.3, 29.7, 30.003, 25.0, 60.0})
    {
        CAPTURE(sourceFps);
        FramePacer pacer(rate, {30, 1});
        const int numFrames = int(sourceFps * 120); // two minutes
        const auto shown = paceSource(pacer, rate, sourceFps, numFrames);
        // Every output frame shows the source frame nearest its time: never more than half a frame (plus rounding) off.
        for (size_t k = 0; k < shown.size(); ++k)
            REQUIRE(std::abs(double(shown[k]) / sourceFps - double(k) / 30.0) <=
                    0.5 / std::min(30.0, sourceFps) + 1e-4);
        const double expectedPpm = (sourceFps / 30.0 - 1.0) * 1e6;
        CHECK(pacer.driftPpm() == Approx(expectedPpm).margin(1.0));
        const int64_t surplus = numFrames - int64_t(shown.size());
        if (sourceFps > 30)
        {
            CHECK(pacer.framesDuplicated() == 0);
            CHECK(pacer.framesSkipped() == surplus);
        }
        else
        {
            CHECK(pacer.framesSkipped() == 0);
            CHECK(pacer.framesDuplicated() == -surplus);
        }
    }
}

TEST_CASE("FramePacer: jitter below half a frame neither skips nor duplicates")
{
    FramePacer pacer(48000, {30, 1});
    const auto shown = paceSource(pacer, 48000, 30.0, 3000, 0.012 /* ±12 ms of a 33 ms frame */, 7);
    REQUIRE(shown.size() == 3000);
    CHECK(pacer.framesSkipped() == 0);
    CHECK(pacer.framesDuplicated() == 0);
}

TEST_CASE("FramePacer: a stalled source's picture is held; variable frame rate pushes it once")
{
    FramePacer cfr(48000, {30, 1});
    cfr.frameArrived(0);
    auto e = cfr.frameArrived(1600);
    CHECK((e.firstSlot == 0 && e.count == 1 && !e.repeats));
    e = cfr.hold(16000); // 1600 has slot 1; slots up to 9 are held
    CHECK((e.firstSlot == 1 && e.count == 9 && !e.repeats));
    e = cfr.hold(32000);
    CHECK((e.firstSlot == 10 && e.count == 10 && e.repeats));
    CHECK(cfr.framesDuplicated() == 18);
    e = cfr.frameArrived(32000); // the source is back, exactly at slot 20
    CHECK(e.count == 0);
    CHECK(cfr.framesSkipped() == 0); // it was shown: held, not skipped
    e = cfr.finish(48000);
    CHECK((e.firstSlot == 20 && e.count == 10));

    FramePacer vfr(48000, {30, 1}, FramePacer::Mode::variableFrameRate);
    vfr.frameArrived(0);
    e = vfr.frameArrived(16000); // ten output frames for one picture: pushed once, the container holds it
    CHECK((e.firstSlot == 0 && e.count == 1));
    e = vfr.hold(32000);
    CHECK((e.firstSlot == 10 && e.count == 1 && !e.repeats));
    e = vfr.hold(40000);
    CHECK(e.count == 0);
    CHECK(vfr.framesDuplicated() == 0);
}

TEST_CASE("FramePacer: refuses a rate that is not positive")
{
    CHECK_THROWS_AS(FramePacer(0, {30, 1}), Error);
    CHECK_THROWS_AS(FramePacer(48000, {0, 1}), Error);
}

TEST_CASE("AudioClockEstimator: smooths callback steps and measures the sound card's rate")
{
    // A sound card 150 ppm fast against the steady clock, callbacks of 512 frames; frames read the clock at 30 Hz.
    const double trueRate = 48000 * (1 + 150e-6);
    AudioClockEstimator clock(48000);
    CHECK(clock.positionAt(5.0) == 0); // no reading yet
    double worst = 0;
    for (int i = 0; i < 30 * 20; ++i)
    {
        const double t = 100.0 + i / 30.0;
        const double exact = (t - 100.0) * trueRate;
        const int64_t stepped = int64_t(exact / 512) * 512; // what clockPosition() reads: whole callbacks
        clock.observe(t, stepped);
        if (i > 30 * 2)
            worst = std::max(worst, std::abs(double(clock.positionAt(t)) - exact));
    }
    CHECK(clock.measuredRate() == Approx(trueRate).epsilon(20e-6));
    CHECK(worst < 100); // within 2 ms of the true clock, though each reading lags it by up to 512 frames (10.7 ms)
}

TEST_CASE("AudioClockEstimator: a clock that does not move falls back to the nominal rate")
{
    AudioClockEstimator clock(48000);
    clock.observe(10.0, 96000);
    clock.observe(11.0, 96000);
    CHECK(clock.measuredRate() == 48000.0);
    CHECK(clock.positionAt(12.0) == 96000 + 48000); // not started: only the latest reading counts
    clock.observe(11.5, 96000 + 24000);
    CHECK(clock.measuredRate() == 48000.0); // moving for less than half a second: the nominal rate
    CHECK(clock.positionAt(12.0) == 96000 + 48000);
}
