#include "OutputWorker.h"

#include "TsanAnnotations.h"

#include <algorithm>
#include <cmath>

namespace capstan
{

namespace
{
/** Room for everything the dispatcher can have queued without growing: every pool block, every video frame, and
    the silence and warning items between them. Beyond it the queue grows (off the audio thread, so allowed). */
size_t initialQueueCapacity(const RecorderConfig& config)
{
    return size_t(std::ceil(2.0 * config.queueSeconds * config.sampleRate / config.blockFrames)) +
           size_t(std::max(0, config.video.queueFrames)) + 64;
}
} // namespace

OutputWorker::OutputWorker(SegmentedOutput& output, RecorderStats& stats_, const RecorderConfig& config_,
                           const std::atomic<bool>& stalledForTesting, bool threaded_)
    : out(output), stats(stats_), config(config_), stalled(stalledForTesting), threaded(threaded_),
      queue(threaded_ ? initialQueueCapacity(config_) : 1), returnedQueue(initialQueueCapacity(config_)),
      planes(size_t(config_.numChannels), nullptr)
{
}

OutputWorker::~OutputWorker()
{
    if (thread.joinable())
    {
        requestFinish();
        thread.join();
    }
}

void OutputWorker::start()
{
    lastFlush = std::chrono::steady_clock::now();
    if (threaded)
        thread = std::thread([this] { run(); });
}

bool OutputWorker::submit(const WorkItem& item)
{
    if (item.block != nullptr)
        heldBlocks.fetch_add(1, std::memory_order_relaxed);
    if (!threaded)
    {
        handle(item); // hands the block or frame back at once
        publishState();
        return item.block != nullptr || item.frame != nullptr;
    }
    CAPSTAN_TSAN_RELEASE(&queue);
    queue.enqueue(item); // grows only when more is queued than the pool holds (silence items); never the audio thread
    return item.block != nullptr || item.frame != nullptr;
}

void OutputWorker::wake()
{
    if (!threaded)
        return;
    {
        std::lock_guard lock(wakeMutex);
        wakePending = true;
    }
    wakeCondition.notify_one();
}

bool OutputWorker::takeReturned(ReturnedItem& item)
{
    if (!returnedQueue.try_dequeue(item))
        return false;
    CAPSTAN_TSAN_ACQUIRE(&returnedQueue);
    return true;
}

void OutputWorker::requestFinish()
{
    finishing.store(true, std::memory_order_release);
    wake();
}

void OutputWorker::join()
{
    if (thread.joinable())
        thread.join();
    else if (!threaded)
    {
        out.close();
        publishState();
    }
}

void OutputWorker::waitForWork(std::chrono::steady_clock::time_point deadline)
{
    std::unique_lock lock(wakeMutex);
    wakeCondition.wait_until(lock, deadline, [this] { return wakePending; });
    wakePending = false;
}

void OutputWorker::run()
{
    using Clock = std::chrono::steady_clock;
    for (;;)
    {
        while (stalled.load(std::memory_order_acquire))
            std::this_thread::sleep_for(std::chrono::milliseconds(1));

        // Read the flag first: everything queued before it was set is seen by the drain below.
        const bool stopping = finishing.load(std::memory_order_acquire);
        bool any = false;
        WorkItem item;
        for (int n = 0; n < 16 && queue.try_dequeue(item); ++n)
        {
            CAPSTAN_TSAN_ACQUIRE(&queue);
            handle(item);
            any = true;
        }
        const auto now = Clock::now();
        if (begun && now - lastFlush >= config.flushInterval)
        {
            // Crash safety: what was encoded reaches the file every flushInterval.
            lastFlush = now;
            out.flush();
        }
        if (begun) // before its first item the output may still be opening on the control thread
            publishState();
        if (stopping && queue.peek() == nullptr)
            break;
        if (!any) // until woken, or the next flush is due (an armed recorder's idle worker just waits)
            waitForWork(begun ? lastFlush + config.flushInterval : now + std::chrono::seconds(1));
    }
    out.close();
    publishState();
}

void OutputWorker::handle(const WorkItem& item)
{
    bool written = false;
    switch (item.kind)
    {
    case WorkItem::Kind::audio:
        for (size_t c = 0; c < planes.size(); ++c)
            planes[c] = item.first + int64_t(c) * item.stride;
        out.writeAudio(planes.data(), item.numFrames, false);
        break;
    case WorkItem::Kind::silence:
        out.writeAudio(nullptr, item.numFrames, true);
        break;
    case WorkItem::Kind::video:
        written = out.hasVideo() && out.writeVideo(item.frame->data, item.frame->numBytes, item.timelineFrame);
        break;
    case WorkItem::Kind::signalWarning:
        out.noteSignalWarning();
        break;
    }
    if (item.kind == WorkItem::Kind::audio || item.kind == WorkItem::Kind::silence)
    {
        begun = true;
        handled.store(handled.load(std::memory_order_relaxed) + item.numFrames, std::memory_order_release);
    }
    if (item.block != nullptr)
        heldBlocks.fetch_sub(1, std::memory_order_relaxed); // at once, so the dispatcher sees this output's pace
    if (item.block != nullptr || item.frame != nullptr)
    {
        CAPSTAN_TSAN_RELEASE(&returnedQueue);
        returnedQueue.enqueue(ReturnedItem{item.block, item.frame, written});
    }
}

void OutputWorker::publishState()
{
    segments.store(int64_t(out.files().size()), std::memory_order_relaxed);
    if (errorReported || !out.failed())
        return;
    errorReported = true;
    failedFlag.store(true, std::memory_order_relaxed);
    stats.writeErrors.fetch_add(1, std::memory_order_relaxed);
    stats.setError(out.error());
}

} // namespace capstan
