#include "VideoCapture.h"

#include "OverlayBlender.h"

#include <capstan/media/Error.h>

#include <chrono>
#include <cmath>
#include <cstdio>

namespace capstan
{
namespace
{
double steadySeconds()
{
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

double wallSeconds()
{
    return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

std::string clockText(double seconds)
{
    char text[32];
    std::snprintf(text, sizeof(text), "%d:%06.3f", int(seconds / 60), std::fmod(seconds, 60.0));
    return text;
}
} // namespace

VideoCapture::VideoCapture(Recorder& recorder_, VideoInput& input_, const Config& config)
    : recorder(recorder_), input(input_), cfg(config), video(recorder_.config().video),
      sampleRate(recorder_.config().sampleRate),
      pacer(recorder_.config().sampleRate, video.enabled ? video.frameRate : Rational{30, 1}, config.mode),
      clock(recorder_.config().sampleRate), stats(recorder_.videoSourceStats()),
      previewFrame(video.format, video.width, video.height)
{
    if (!video.enabled)
        throw Error("a video source needs a recorder with video (RecorderConfig::video.enabled)");
    // Converting here, on the capture thread, leaves the encoder only the encoding.
    input.reader(video.format, video.width, video.height);
}

VideoCapture::~VideoCapture()
{
    try
    {
        stop();
    }
    catch (...)
    {
        // Destruction must not throw; stop() already reported through the stats.
    }
}

void VideoCapture::setOverlay(int width, int height, int margin, float opacity)
{
    if (started)
        throw Error("VideoCapture: set the overlay before start()");
    if (video.format != PixelFormat::yuv420p)
        throw Error("VideoCapture: an overlay needs the recorder's video in yuv420p");
    if (width <= 0 || height <= 0 || width > video.width || height > video.height)
        throw Error("the overlay (" + std::to_string(width) + "x" + std::to_string(height) +
                    ") must fit in the video picture (" + std::to_string(video.width) + "x" +
                    std::to_string(video.height) + ")");
    overlayFrame = std::make_unique<PreviewFrame>(PixelFormat::bgra, width, height);
    overlayFrame->setEnabled(true);
    overlayMargin = margin;
    overlayOpacity = opacity;
}

void VideoCapture::compose(VideoFrame& frame)
{
    if (!overlayFrame)
        return;
    const int width = overlayFrame->width(), height = overlayFrame->height();
    overlayFrame->take(overlayPixels, width, height, overlaySequence); // keeps the last picture when none is new
    if (overlayPixels.empty())
        return;
    OverlayBlender::blend(frame.data, video.width, video.height, overlayPixels, width, height,
                          std::max(0, video.width - width - overlayMargin),
                          std::max(0, video.height - height - overlayMargin), overlayOpacity);
}

void VideoCapture::start()
{
    if (started)
        return;
    started = true;
    stats.describe(input.describe());
    stats.active.store(true, std::memory_order_release);
    thread = std::thread([this] { run(); });
}

void VideoCapture::stop()
{
    if (!started || stopped)
        return;
    stopped = true;
    endPosition.store(recorder.clockPosition(), std::memory_order_release);
    stopRequested.store(true, std::memory_order_release);
    if (cfg.timing != Timing::audioClock)
        interrupt.store(true, std::memory_order_release);
    thread.join();
    if (failure)
        std::rethrow_exception(failure);
}

void VideoCapture::noteProblem(const std::string& what)
{
    // Where the picture stops in the recording: after its last frame with no clock, else now.
    const int64_t lastFrame = reached.load(std::memory_order_relaxed);
    const int64_t at = cfg.timing == Timing::audioClock && lastFrame != INT64_MIN ? lastFrame + pacer.slotPosition(1)
                                                                                  : recorder.clockPosition();
    const double seconds = double(std::max<int64_t>(0, at)) / sampleRate;
    stats.setProblem("the video source " + what + " at " + clockText(seconds) + "; its last picture is held");
    ended.store(true, std::memory_order_release);
}

int64_t VideoCapture::framePosition(double pts, bool first)
{
    if (first)
    {
        firstPts = pts;
        startSteady = steadySeconds();
    }
    switch (cfg.timing)
    {
    case Timing::audioClock:
        return int64_t(std::llround((pts - firstPts) * sampleRate));
    case Timing::realtime:
    {
        // Played as live: the frame is "captured" when its time comes, like ffmpeg -re.
        const double due = startSteady + (pts - firstPts);
        while (!stopRequested.load(std::memory_order_acquire))
        {
            const double wait = due - steadySeconds();
            if (wait <= 0)
                break;
            std::this_thread::sleep_for(std::chrono::duration<double>(std::min(wait, 0.005)));
        }
        clock.observe(steadySeconds(), recorder.clockPosition());
        return clock.positionAt(due);
    }
    case Timing::device:
    {
        const double framePeriod = double(video.frameRate.den) / video.frameRate.num;
        const double now = steadySeconds();
        clock.observe(now, recorder.clockPosition());
        // x11grab and v4l2 stamp frames with wall-clock time when they were grabbed: the capture instant, a little
        // earlier than the arrival (decoding, queueing). A stamp older than two frames is not a capture instant but
        // a schedule the reader fell behind (x11grab delivers its missed ticks at once, all of the same screen), and
        // anything else is timed by its arrival.
        const double age = wallSeconds() - pts;
        const double captured = (age >= 0 && age < 2 * framePeriod) ? now - age : now;
        return clock.positionAt(captured);
    }
    }
    return 0;
}

void VideoCapture::push(const VideoFrame& frame, FramePacer::Emission emission)
{
    if (emission.skipped && recorder.state() == Recorder::State::recording)
    {
        stats.framesCaptured.fetch_add(1, std::memory_order_relaxed); // inside the recording, never shown
        stats.framesSkipped.fetch_add(1, std::memory_order_relaxed);
    }
    int64_t offered = 0;
    for (int64_t i = 0; i < emission.count; ++i)
    {
        const int64_t position = pacer.slotPosition(emission.firstSlot + i);
        if (stopRequested.load(std::memory_order_acquire) && position >= endPosition.load(std::memory_order_acquire))
            break; // after the recording's end
        if (cfg.timing == Timing::audioClock)
        {
            // No clock: the audio clock is the clock. A frame goes when the audio reaches it (so none lands past
            // the recording's end), and waits for the encoder instead of being lost.
            const double deadline = steadySeconds() + cfg.maxPushWaitSeconds;
            while (steadySeconds() < deadline && recorder.state() == Recorder::State::recording)
            {
                // Once stopping, the audio is complete: only room in the queue is waited for.
                const bool audioBehind =
                    !stopRequested.load(std::memory_order_acquire) && recorder.clockPosition() <= position;
                if (!audioBehind && recorder.freeVideoFrames() > 0)
                    break;
                std::this_thread::sleep_for(std::chrono::microseconds(500));
            }
            if (stopRequested.load(std::memory_order_acquire) &&
                position >= endPosition.load(std::memory_order_acquire))
                break;
        }
        if (recorder.state() != Recorder::State::recording)
            break; // before the recording started (or after it stopped): not part of it
        ++offered;
        if (recorder.pushVideoFrame(frame.data.data(), frame.data.size(), position))
            stats.framesPushed.fetch_add(1, std::memory_order_relaxed);
        else
            stats.framesRefused.fetch_add(1, std::memory_order_relaxed);
    }
    if (offered > 0 && !emission.repeats)
        stats.framesCaptured.fetch_add(1, std::memory_order_relaxed); // shown: inside the recording
    const int64_t copies = emission.repeats ? offered : offered - 1;
    if (copies > 0)
        stats.framesDuplicated.fetch_add(copies, std::memory_order_relaxed);
}

void VideoCapture::run()
{
    try
    {
        capture();
    }
    catch (...)
    {
        failure = std::current_exception();
        ended.store(true, std::memory_order_release);
    }
}

void VideoCapture::capture()
{
    MediaReader& reader = input.reader(video.format, video.width, video.height);
    reader.setInterruptFlag(&interrupt);
    if (cfg.timing == Timing::audioClock)
    {
        // The source's time zero is the recording's: wait for it to start rather than read past its beginning.
        while (recorder.state() != Recorder::State::recording && !stopRequested.load(std::memory_order_acquire))
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    VideoFrame frames[2];
    int current = 0;
    bool havePrevious = false;
    bool driftMeasured = false;
    double longestGap = 0;
    for (;;)
    {
        const bool stopping = stopRequested.load(std::memory_order_acquire);
        if (stopping && cfg.timing != Timing::audioClock)
            break;
        if (stopping && havePrevious && reached.load(std::memory_order_relaxed) >= endPosition.load())
            break; // audioClock: the source has covered the recording
        bool got = false;
        try
        {
            got = reader.readVideoFrame(frames[current]);
        }
        catch (const Error& e)
        {
            if (interrupt.load(std::memory_order_acquire))
                break; // stop() cut a blocked read short
            noteProblem(std::string("failed (") + e.what() + ")");
            break;
        }
        if (!got)
        {
            noteProblem("ended (end of input)");
            break;
        }
        const int64_t position = framePosition(frames[current].pts, !havePrevious);
        compose(frames[current]);
        previewFrame.offer(frames[current].data);
        const double arrival = steadySeconds();
        if (recorder.state() == Recorder::State::recording)
        {
            if (lastArrival >= 0 && cfg.timing != Timing::audioClock)
            {
                longestGap = std::max(longestGap, arrival - lastArrival);
                stats.secondsWithoutFrames.store(longestGap, std::memory_order_relaxed);
            }
            lastArrival = arrival;
        }
        if (!driftMeasured && recorder.state() == Recorder::State::recording)
        {
            driftMeasured = true;
            pacer.restartDriftMeasure();
        }
        const FramePacer::Emission emission = pacer.frameArrived(position);
        if (havePrevious)
            push(frames[1 - current], emission);
        stats.driftPpm.store(pacer.driftPpm(), std::memory_order_relaxed);
        reached.store(position, std::memory_order_release);
        havePrevious = true;
        current = 1 - current;
    }
    reader.setInterruptFlag(nullptr);
    if (!havePrevious)
        return;
    // The source ended early: its last picture is held while the recording goes on (as OBS shows a frozen source),
    // pushed as the audio clock passes each output frame, so the file keeps a picture and nothing piles up for stop().
    const VideoFrame& last = frames[1 - current];
    const auto period = std::chrono::duration<double>(video.frameRate.den / double(video.frameRate.num));
    while (!stopRequested.load(std::memory_order_acquire))
    {
        push(last, pacer.hold(recorder.clockPosition()));
        std::this_thread::sleep_for(period);
    }
    // Then to the end: where the audio stopped.
    push(last, pacer.finish(endPosition.load(std::memory_order_acquire)));
}

} // namespace capstan
