#pragma once

#include "SpectrumVisualizer.h"

#include <capstan/realtime/AudioTap.h>
#include <capstan/realtime/Recorder.h>

#include <readerwriterqueue/readerwriterqueue.h>

#include <atomic>
#include <cstdint>
#include <exception>
#include <functional>
#include <memory>
#include <thread>
#include <vector>

namespace capstan
{

/** The spectrum visualizer as the Recorder's live video stream: audio is tapped on the audio thread, drawn on a
    thread of its own, and every frame is pushed with its exact time on the audio sample clock.

    Threads and their calls:
    - control thread: the constructor, start(), stop(), the counters;
    - audio thread (one at a time): tap() — the Recorder calls it from pushAudio() once this object is its tap
      (start() installs it). It copies the callback's samples into a preallocated block and hands full blocks over a
      lock-free SPSC queue: no allocation, no lock, no syscall, no exception, no waiting. With no free block (the
      drawing thread behind for longer than `queueSeconds`) the samples are not kept for the picture: they are
      counted (framesLost()), the video shows silence there, and the audio recording is not affected at all;
    - the drawing thread (private): drains the blocks into a SpectrumVisualizer and pushes frame i with position
      floor(i * sampleRate / fps) (SpectrumVisualizer::frameCentreSample) through
      Recorder::pushVideoFrame(data, numBytes, samplePosition), so it lands at exactly i / fps however late it was
      drawn. When the recorder's video queue is full it waits (up to `maxPushWaitMs` per frame), never the audio.

    The tap counts frames from arm(), like the recorder's clock, so the grid is exact when the recording starts at
    clock 0 (start() before the first callback, no pre-roll); with pre-roll each frame is still placed on the
    nearest frame time.

    @code
    capstan::LiveSpectrumVideo video(recorder, {.frameRate = {20, 1}});  // recorder has video: bgra 320x240 @ 20
    video.start();                    // before recorder.arm()
    recorder.start();
    // ... audio callbacks into recorder.pushAudio() ...
    // stop the audio callbacks, then:
    video.stop();                     // draws the remaining frames up to the recorded length
    recorder.stop();
    @endcode */
class LiveSpectrumVideo : public AudioTap
{
public:
    /** `config`'s sample rate and channel count default (when 0) to the recorder's and must match it; its size and
        frame rate must match the recorder's video, whose format must be bgra. Throws capstan::Error naming the
        mismatch. Allocates everything. */
    LiveSpectrumVideo(Recorder& recorder, const SpectrumVisualizerConfig& config, double queueSeconds = 2.0);
    /** Each drawn frame (BGRA at `config`'s own size) on the drawing thread. */
    using FrameSink = std::function<void(std::span<const uint8_t> pixels)>;
    /** The visualizer as an overlay: every frame goes to `sink` instead of the recorder, which need not have a bgra
        video of the same size (a VideoCapture composes the frames over its source: VideoCapture::setOverlay). The
        audio is tapped from `recorder` as above. */
    LiveSpectrumVideo(Recorder& recorder, const SpectrumVisualizerConfig& config, FrameSink sink,
                      double queueSeconds = 2.0);
    /** Stops (see stop()). */
    ~LiveSpectrumVideo() override;

    LiveSpectrumVideo(const LiveSpectrumVideo&) = delete;
    LiveSpectrumVideo& operator=(const LiveSpectrumVideo&) = delete;

    /** Installs this object as the recorder's audio tap and starts the drawing thread. Call before recorder.arm(). */
    void start();

    /** Call once no audio callback runs any more (the driver joined, the device stopped) and before
        recorder.stop(): hands over the last partial block, lets the drawing thread draw every frame up to the
        tapped length (SpectrumVisualizer::frameCountFor), pushes them and joins it. Rethrows what failed on the drawing
        thread, if anything. Safe to call twice. */
    void stop();

    /** Audio thread (through the Recorder): see the class comment. */
    void tap(const float* const* channels, int numChannels, int numFrames) noexcept override;

    int64_t framesTapped() const noexcept { return tapped.load(std::memory_order_acquire); }
    /** Audio frames the tap could not keep (queue full): silence in the picture. */
    int64_t framesLost() const noexcept { return lost.load(std::memory_order_relaxed); }
    /** Tapped audio frames not drawn yet: lets a driver with no clock pace itself to the drawing. */
    int64_t backlogFrames() const noexcept;
    int64_t backlogCapacityFrames() const noexcept { return int64_t(blocks.size()) * blockFrames; }
    int64_t videoFramesPushed() const noexcept { return pushed.load(std::memory_order_relaxed); }
    /** Frames the recorder refused (not recording, or its video queue still full after the wait). */
    int64_t videoFramesRejected() const noexcept { return rejected.load(std::memory_order_relaxed); }

    static constexpr int blockFrames = 1024;
    static constexpr int maxPushWaitMs = 2000;

private:
    struct Block
    {
        float* samples = nullptr; ///< interleaved, blockFrames * numChannels
        int numFrames = 0;
        int64_t position = 0; ///< tap clock of the first frame
    };

    void run();
    void drawUntilStopped();
    void draw(const Block& block);
    void feed(std::span<const float> interleaved);
    void pushFrame(int64_t frameIndex, std::span<const uint8_t> pixels);

    Recorder& recorder;
    FrameSink frameSink; ///< overlay mode: where frames go instead of the recorder
    SpectrumVisualizerConfig settings;
    SpectrumVisualizer visualizer;
    int numChannels;

    std::vector<float> storage;
    std::vector<Block> blocks;
    moodycamel::ReaderWriterQueue<Block*> filled; ///< audio thread -> drawing thread
    moodycamel::ReaderWriterQueue<Block*> spare;  ///< drawing thread -> audio thread
    std::vector<float> silence;                   ///< fed in place of lost audio

    // Audio-thread state (handed to stop() once no callback runs).
    Block* current = nullptr;
    int64_t clock = 0;

    std::atomic<int64_t> tapped{0};
    std::atomic<int64_t> drawnUpTo{0};
    std::atomic<int64_t> lost{0};
    std::atomic<int64_t> pushed{0};
    std::atomic<int64_t> rejected{0};
    std::atomic<bool> stopRequested{false};
    std::thread thread;
    std::exception_ptr failure; ///< what stopped the drawing thread, rethrown by stop()
    bool started = false;
    bool stopped = false;
};

} // namespace capstan
