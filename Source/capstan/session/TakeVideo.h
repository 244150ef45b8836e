#pragma once

#include "TakeSettings.h"

#include <capstan/realtime/Recorder.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace capstan
{

class LiveSpectrumVideo;
class VideoCapture;
class VideoInput;

/** The picture of one video-format take (one TakeRecorder slot): the spectrum visualizer drawn from the take's audio,
    or, when TakeSettings::videoSource is set, a real video source (capture/VideoInput + VideoCapture) read on its own
    capture thread and put on the recorder's audio clock.

    Order of calls (the TakeRecorder worker, then its closer thread):
    - the constructor, before the Recorder is made: opens the source (throws capstan::Error with VideoInput's clear
      message when it cannot be opened) and sets `config.video` (the source's size unless the settings ask for theirs,
      the source's rate, yuv420p, libx264 as makeVideoSpec());
    - attach(recorder) once the Recorder exists, before arm(); start() after arm();
    - stop() once no audio is pushed into the recorder any more, before recorder.stop(). It releases the source
      (closes the device), so that the next take can open a camera again.

    The audio thread never touches this object. */
class TakeVideo
{
public:
    TakeVideo(const TakeSettings& settings, RecorderConfig& config);
    ~TakeVideo();

    TakeVideo(const TakeVideo&) = delete;
    TakeVideo& operator=(const TakeVideo&) = delete;

    void attach(Recorder& recorder);
    void start();
    void stop();

    /** True for a real source (not the visualizer). */
    bool hasSource() const { return !sourceText.empty(); }
    /** A source that only one reader can hold at a time (a V4L2 camera): the next take's source is opened once this
        take's is released. */
    bool isExclusive() const { return exclusive; }
    /** The source is open (between the constructor and stop()). */
    bool holdsSource() const { return holding.load(std::memory_order_acquire); }
    /** Whether `settings` name a source that only one reader can hold at a time (see isExclusive()). */
    static bool needsExclusiveSource(const TakeSettings& settings);
    /** e.g. "lavfi testsrc2 640x360 @ 30 fps"; empty for the visualizer. */
    const std::string& describe() const { return description; }
    /** The recorded picture's size (the preview keeps its shape). */
    int width() const { return pictureWidth; }
    int height() const { return pictureHeight; }

    /** Any thread: keep pictures for a live preview (copied only while wanted). */
    void setPreviewEnabled(bool enabled);
    /** Any thread: the newest picture as BGRA at `width` x `height` when newer than `sequence` (updated). False when
        there is none or nothing new, and for the visualizer. */
    bool takePreview(std::vector<uint8_t>& bgra, int width, int height, int64_t& sequence);

private:
    std::string sourceText;
    std::string description;
    bool exclusive = false;
    bool live = false;
    int pictureWidth = 0, pictureHeight = 0;
    std::unique_ptr<VideoInput> input;
    std::unique_ptr<VideoCapture> capture;
    std::unique_ptr<LiveSpectrumVideo> spectrum;
    std::atomic<bool> holding{false};
    std::mutex previewMutex; ///< guards `capture` against stop() releasing it while a GUI timer reads the preview
    bool previewWanted = false;
};

} // namespace capstan
