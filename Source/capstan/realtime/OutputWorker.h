#pragma once

#include "AudioBlock.h"
#include "RecorderConfig.h"
#include "RecorderStats.h"
#include "SegmentedOutput.h"
#include "VideoFrameSlot.h"

#include <readerwriterqueue/readerwriterqueue.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

namespace capstan
{

/** One piece of an output's timeline, in order. Audio points into a shared, read-only pool block (or the
    pre-roll ring); the worker reads it and hands the block back. */
struct WorkItem
{
    enum class Kind : uint8_t
    {
        audio,        ///< numFrames planar frames: channel c at first + c * stride
        silence,      ///< numFrames of silence standing for dropped audio
        video,        ///< one frame at timelineFrame
        signalWarning ///< a signal warning began or ended: rewrite the sidecar
    };
    Kind kind = Kind::audio;
    const float* first = nullptr;
    int64_t stride = 0;
    int64_t numFrames = 0;
    AudioBlock* block = nullptr;     ///< the pool block `first` points into (null for the pre-roll ring)
    VideoFrameSlot* frame = nullptr; ///< video
    int64_t timelineFrame = 0;       ///< video: its time on the recording's timeline
};

/** What a worker hands back once it is done with a shared block or frame. */
struct ReturnedItem
{
    AudioBlock* block = nullptr;
    VideoFrameSlot* frame = nullptr;
    bool written = false; ///< the video frame went into this output
};

/** Writes one output of the Recorder on its own thread, so several outputs (and a video encoder) use every core and
    a slow one holds up nobody else. The encoder thread (the dispatcher) queues WorkItems; the worker writes them into
    its SegmentedOutput, flushes it periodically for crash safety, and hands every block and frame back through a
    second queue: the dispatcher alone returns blocks to the pool, once every worker is done with them.

    A network output is not threaded here ("inline"): its NetworkOutput already has its own thread behind a bounded
    queue and copies what it keeps, so its items are written at once on the dispatcher's thread. */
class OutputWorker
{
public:
    OutputWorker(SegmentedOutput& output, RecorderStats& stats, const RecorderConfig& config,
                 const std::atomic<bool>& stalledForTesting, bool threaded);
    ~OutputWorker();

    OutputWorker(const OutputWorker&) = delete;
    OutputWorker& operator=(const OutputWorker&) = delete;

    void start();
    bool isThreaded() const noexcept { return threaded; }
    SegmentedOutput& output() noexcept { return out; }

    /** Dispatcher thread: queues an item (never blocks). True when it carries a block or frame, which the worker hands
        back through takeReturned() (an inline worker at once). */
    bool submit(const WorkItem& item);
    /** Dispatcher thread, after a batch of submit()s. */
    void wake();
    /** Dispatcher thread: a block or frame this worker is done with. */
    bool takeReturned(ReturnedItem& item);
    /** Dispatcher thread: asks the worker to write what is queued, close the output and exit. */
    void requestFinish();
    /** Dispatcher thread: waits for requestFinish() to complete. */
    void join();

    /** Timeline frames this worker has taken off its queue (written, or skipped because the output failed). */
    int64_t framesHandled() const noexcept { return handled.load(std::memory_order_acquire); }
    bool hasFailed() const noexcept { return failedFlag.load(std::memory_order_relaxed); }
    int64_t segmentCount() const noexcept { return segments.load(std::memory_order_relaxed); }

    /** Pool blocks queued to this worker and not yet written (the dispatcher adds, the worker subtracts). */
    std::atomic<int> heldBlocks{0};
    // Dispatcher only.
    int64_t pendingLagFrames = 0; ///< audio this output lost by falling behind, not yet queued as silence
    bool behind = false;          ///< losing blocks until it has caught up

private:
    void run();
    void handle(const WorkItem& item);
    void publishState();
    void waitForWork(std::chrono::steady_clock::time_point deadline);

    SegmentedOutput& out;
    RecorderStats& stats;
    const RecorderConfig& config;
    const std::atomic<bool>& stalled;
    const bool threaded;

    moodycamel::ReaderWriterQueue<WorkItem> queue;             ///< dispatcher -> worker
    moodycamel::ReaderWriterQueue<ReturnedItem> returnedQueue; ///< worker -> dispatcher
    std::thread thread;
    std::mutex wakeMutex; ///< never the audio thread's: dispatcher and worker only
    std::condition_variable wakeCondition;
    bool wakePending = false;
    std::atomic<bool> finishing{false};

    std::atomic<int64_t> handled{0};
    std::atomic<bool> failedFlag{false};
    std::atomic<int64_t> segments{0};
    bool errorReported = false;
    bool begun = false; ///< something was written: periodic flushes from here on
    std::chrono::steady_clock::time_point lastFlush{};
    std::vector<const float*> planes;
};

} // namespace capstan
