#pragma once

#include "AudioClockEstimator.h"
#include "FramePacer.h"
#include "PreviewFrame.h"
#include "VideoInput.h"

#include <capstan/realtime/Recorder.h>

#include <atomic>
#include <cstdint>
#include <exception>
#include <memory>
#include <thread>
#include <vector>

namespace capstan
{

/** A video source recorded with the audio: its own capture thread reads the source, puts every frame's capture time
    on the recording's one clock (the audio sample counter), corrects the drift between the two clocks to the output's
    frame rate (FramePacer) and pushes the frames to the Recorder with their positions.

    Threads and their calls:
    - control thread: the constructor, start(), stop(), the counters;
    - the capture thread (private): reads, times, paces and pushes (Recorder::pushVideoFrame with a position). It
      never waits for the audio; the audio thread never waits for it. A source that stalls or dies costs pictures,
      never audio: the last picture is held (and counted) to the end of the recording.

    Timing:
    - device: a screen, camera or stream runs at its own clock. A frame's capture time comes from its timestamp when
      that is wall-clock time (x11grab, v4l2), else from when it arrived, and is mapped onto the audio clock through
      an AudioClockEstimator fitted to the recorder's clock: the sound card's drift against the computer's clock comes
      out of the fit;
    - realtime: a file or filter graph played as live (like ffmpeg -re), then mapped the same way;
    - audioClock: no clock at all: the source's own timestamps are audio time from the recorder's clock 0 (arm()).
      Frames wait for room in the recorder's video queue instead of being refused. For recordings driven faster than
      real time (tests, `record --pace fast`), where the result must not depend on the machine's speed.

    What it counts goes to Recorder::videoSourceStats(): frames captured while recording, pushed, duplicated and skipped
    for the frame rate, refused by the encoder (its queue full), the drift in ppm, the longest wait between frames, and
    why the source ended or failed. */
class VideoCapture
{
public:
    enum class Timing
    {
        device,
        realtime,
        audioClock
    };

    struct Config
    {
        Timing timing = Timing::device;
        FramePacer::Mode mode = FramePacer::Mode::constantFrameRate;
        /** audioClock: how long a frame waits for room in the recorder's video queue before it is refused. */
        double maxPushWaitSeconds = 10.0;
    };

    /** `input` and `recorder` must outlive this object. The recorder must have video (RecorderConfig::video): its
        size, format and rate are what frames are converted to and paced at. Throws capstan::Error otherwise. */
    VideoCapture(Recorder& recorder, VideoInput& input, const Config& config);
    ~VideoCapture();

    VideoCapture(const VideoCapture&) = delete;
    VideoCapture& operator=(const VideoCapture&) = delete;

    /** Starts the capture thread. Frames are pushed once the recorder records. */
    void start();

    /** Call once no audio callback runs any more and before recorder.stop(). device/realtime: stops reading now.
        audioClock: reads on until the source reaches the recorded length. Either way the last picture fills the
        recording to its end, then the thread is joined. Rethrows what failed on the thread (not a source that ended
        or failed: that is a counted problem, see VideoSourceStats). Safe to call twice. */
    void stop();

    /** The audio-clock position of the latest frame read (audioClock timing: lets a driver with no clock keep the
        audio from running far ahead of the picture). */
    int64_t positionReached() const noexcept { return reached.load(std::memory_order_acquire); }
    /** Composes an overlay (e.g. the spectrum visualizer) over every frame, `width` x `height` BGRA placed at the
        bottom-right corner, `margin` pixels in, before the frame is recorded or previewed. Its producer offers pictures
        to overlay().offer() from any thread; the newest is drawn. Before start(). */
    void setOverlay(int width, int height, int margin = 16, float opacity = 0.85f);
    /** Where the overlay's producer offers its pictures (BGRA at the size given to setOverlay()). */
    PreviewFrame* overlay() noexcept { return overlayFrame.get(); }

    /** The live preview of what the source delivers (before, while and after recording, once start() ran): enable
        it and take frames from a GUI timer. */
    PreviewFrame& preview() noexcept { return previewFrame; }

    /** True once the source ended or failed (its last picture is being held). */
    bool sourceEnded() const noexcept { return ended.load(std::memory_order_acquire); }

private:
    void run();
    void capture();
    int64_t framePosition(double pts, bool first);
    void push(const VideoFrame& frame, FramePacer::Emission emission);
    void noteProblem(const std::string& what);
    void compose(VideoFrame& frame);

    Recorder& recorder;
    VideoInput& input;
    Config cfg;
    VideoSpec video;
    int sampleRate;
    FramePacer pacer;
    AudioClockEstimator clock;
    VideoSourceStats& stats;
    PreviewFrame previewFrame;
    std::unique_ptr<PreviewFrame> overlayFrame; ///< the overlay's newest picture, when there is one
    std::vector<uint8_t> overlayPixels;         ///< capture thread: the copy being drawn
    int64_t overlaySequence = 0;
    int overlayMargin = 16;
    float overlayOpacity = 0.85f;

    double firstPts = 0;
    double startSteady = 0;
    double lastArrival = -1;
    std::atomic<int64_t> reached{INT64_MIN};
    std::atomic<int64_t> endPosition{-1}; ///< set by stop(): the recording's length on the audio clock
    std::atomic<bool> stopRequested{false};
    std::atomic<bool> interrupt{false}; ///< aborts a blocked read (device and realtime timing)
    std::atomic<bool> ended{false};
    std::thread thread;
    std::exception_ptr failure;
    bool started = false;
    bool stopped = false;
};

} // namespace capstan
