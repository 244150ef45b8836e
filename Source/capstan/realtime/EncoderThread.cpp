#include "EncoderThread.h"

#include "TsanAnnotations.h"

#include <capstan/media/NetworkUrl.h>

#include <algorithm>
#include <filesystem>
#include <sys/statvfs.h>

namespace capstan
{

EncoderThread::EncoderThread(EncoderContext& context)
    : ctx(context), numChannels(context.config->numChannels), sampleRate(context.config->sampleRate),
      monitor(numChannels, sampleRate, context.config->signalWarningSeconds, context.stats->signal)
{
    preRollCapacity = int64_t(ctx.config->preRollSeconds * sampleRate + 0.5);
    ring.assign(size_t(preRollCapacity * numChannels), 0.0f);
    planeScratch.resize(size_t(numChannels));
    // Per-output state in the stats (network outputs report connected/retrying/failed and what was not sent).
    for (size_t i = 0; i < ctx.outputs->size() && i < size_t(RecorderStats::maxOutputs); ++i)
        (*ctx.outputs)[i]->attachCounters(ctx.stats->output(int(i)));
    static const std::atomic<bool> neverStalled{false};
    for (size_t i = 0; i < ctx.outputs->size(); ++i)
    {
        auto& output = *(*ctx.outputs)[i];
        output.setSignalMonitor(&monitor);
        output.setVideoSource(&ctx.stats->videoSource);
        const auto& stalled = i < ctx.outputStalledForTesting.size() ? ctx.outputStalledForTesting[i] : neverStalled;
        // A network output already writes on its own thread behind a bounded queue: it is fed inline.
        const bool threaded = !NetworkUrl::isNetwork(ctx.config->outputs[i].path);
        workers.push_back(std::make_unique<OutputWorker>(output, *ctx.stats, *ctx.config, stalled, threaded));
    }
    submitted.assign(workers.size(), false);
}

EncoderThread::~EncoderThread()
{
    if (thread.joinable())
        thread.join();
}

void EncoderThread::start()
{
    lastDiskCheck = std::chrono::steady_clock::now();
    for (auto& worker : workers)
        worker->start();
    thread = std::thread([this] { run(); });
}

void EncoderThread::join()
{
    if (thread.joinable())
        thread.join();
}

int EncoderThread::mostHeldBlocks() const noexcept
{
    int most = 0;
    for (const auto& worker : workers)
        if (worker->isThreaded() && !worker->hasFailed())
            most = std::max(most, worker->heldBlocks.load(std::memory_order_relaxed));
    return most;
}

int EncoderThread::leastHeldBlocks() const noexcept
{
    int least = -1;
    for (const auto& worker : workers)
        if (worker->isThreaded() && !worker->hasFailed())
        {
            const int held = worker->heldBlocks.load(std::memory_order_relaxed);
            least = least < 0 ? held : std::min(least, held);
        }
    return std::max(0, least);
}

void EncoderThread::updateBehind(OutputWorker& worker, int leastHeld) const noexcept
{
    // Behind the fastest output by a whole queue: it loses blocks until it has written half of what it holds
    // (hysteresis: one longer gap rather than many short ones). Outputs late together (a burst after a stall, an
    // overloaded machine) share the same blocks and are not singled out; if the pool runs out, the audio thread
    // drops for all of them at the same positions. An idle worker is woken only after a batch is queued, so a
    // burst after a stall reaches every output.
    if (!worker.isThreaded())
        return;
    const int ahead = worker.heldBlocks.load(std::memory_order_relaxed) - leastHeld;
    if (!worker.behind && ahead >= ctx.blocksPerOutput)
        worker.behind = true;
    else if (worker.behind && ahead <= ctx.blocksPerOutput / 2)
        worker.behind = false;
}

void EncoderThread::run()
{
    for (;;)
    {
        while (ctx.stalledForTesting.load(std::memory_order_acquire))
            std::this_thread::sleep_for(std::chrono::milliseconds(1));

        // Read the stop flag before draining: everything queued before it was set is then seen by this drain.
        const bool stopping = ctx.stopRequested.load(std::memory_order_acquire);
        bool didWork = collectReturned();
        AudioBlock* block = nullptr;
        int drained = 0;
        while (ctx.audioQueue->try_dequeue(block))
        {
            CAPSTAN_TSAN_ACQUIRE(block);
            block->pendingWorkers = 0;
            process(*block);
            if (block->pendingWorkers == 0)
                ctx.pool->release(block); // pre-roll, or nobody kept it
            didWork = true;
            if (++drained >= 64 && !stopping)
                break; // let video and housekeeping run between long bursts
        }
        // Video after every batch, so a long audio backlog cannot starve it.
        didWork = processVideo(false) || didWork;
        wakeWorkers();
        housekeeping(false);

        if (stopping && ctx.audioQueue->size_approx() == 0)
        {
            finish();
            return;
        }
        if (!didWork)
            std::this_thread::sleep_for(ctx.config->pollInterval);
    }
}

void EncoderThread::process(AudioBlock& block)
{
    if (block.numFrames <= 0)
        return;
    clockTaken = block.position + block.numFrames;
    if (!block.recording)
    {
        addToPreRoll(block);
        return;
    }
    if (!begun)
    {
        const int64_t start = ctx.recordStart.load(std::memory_order_acquire);
        begin(start >= 0 ? start : block.position);
    }
    if (block.position > nextPos)
        writeSilence(block.position - nextPos); // frames the audio thread had to drop
    int64_t skip = 0;
    if (block.position < nextPos) // cannot happen with one producer; never write a sample twice
        skip = std::min<int64_t>(nextPos - block.position, block.numFrames);
    sendAudio(block.channel(0) + skip, block.capacity, &block, block.numFrames - skip);
    ctx.stats->blocksWritten.store(ctx.stats->blocksWritten.load(std::memory_order_relaxed) + 1,
                                   std::memory_order_relaxed);
}

void EncoderThread::addToPreRoll(const AudioBlock& block)
{
    if (preRollCapacity <= 0)
        return;
    auto put = [this](int64_t position, const AudioBlock* source, int64_t sourceOffset, int64_t count)
    {
        for (int64_t done = 0; done < count;)
        {
            const int64_t index = (position + done) % preRollCapacity;
            const int64_t n = std::min(count - done, preRollCapacity - index);
            for (int c = 0; c < numChannels; ++c)
            {
                float* dst = ring.data() + size_t(c) * size_t(preRollCapacity) + size_t(index);
                if (source != nullptr)
                    std::copy_n(source->channel(c) + sourceOffset + done, n, dst);
                else
                    std::fill_n(dst, n, 0.0f);
            }
            done += n;
        }
    };
    if (ringCount > 0 && block.position > ringEnd)
    {
        // Frames dropped while armed: zeros in the ring, remembered so they are listed if they end up written.
        const int64_t gap = block.position - ringEnd;
        const int64_t kept = std::min(gap, preRollCapacity);
        put(block.position - kept, nullptr, 0, kept);
        ringDrops.push_back({ringEnd, gap});
        ringCount = std::min(preRollCapacity, ringCount + gap);
    }
    const int64_t count = std::min<int64_t>(block.numFrames, preRollCapacity);
    const int64_t offset = block.numFrames - count;
    put(block.position + offset, &block, offset, count);
    ringEnd = block.position + block.numFrames;
    ringCount = std::min(preRollCapacity, ringCount + block.numFrames);
    // Forget drops that left the ring.
    const int64_t ringStart = ringEnd - ringCount;
    std::erase_if(ringDrops, [ringStart](const DropInterval& d) { return d.position + d.numFrames <= ringStart; });
}

void EncoderThread::begin(int64_t startPosition)
{
    begun = true;
    const int64_t ringStart = ringEnd - ringCount;
    const int64_t requested = ctx.requestedOrigin.load(std::memory_order_acquire);
    const int64_t wanted = requested >= 0 ? requested : startPosition - preRollCapacity;
    if (wanted > startPosition)
        origin = wanted; // a future start: process() skips the recorded frames before it
    else if (ringCount > 0 && ringEnd <= startPosition)
        origin = std::max(ringStart, wanted);
    else
        origin = startPosition;
    nextPos = origin;

    // Pre-roll first, in runs between the zeros that stand for drops.
    const int64_t prerollEnd = std::min(ringEnd, startPosition);
    int64_t position = origin;
    while (position < prerollEnd)
    {
        int64_t runEnd = prerollEnd;
        bool silent = false;
        for (const auto& d : ringDrops)
        {
            const int64_t dEnd = d.position + d.numFrames;
            if (position >= d.position && position < dEnd)
            {
                silent = true;
                runEnd = std::min(runEnd, dEnd);
                break;
            }
            if (d.position > position)
                runEnd = std::min(runEnd, d.position);
        }
        if (silent)
            writeSilence(runEnd - position);
        else
        {
            for (int64_t p = position; p < runEnd;)
            {
                // The ring is read-only from here on (no pre-roll block follows a recorded one): the workers read it.
                const int64_t index = p % preRollCapacity;
                const int64_t n = std::min(runEnd - p, preRollCapacity - index);
                sendAudio(ring.data() + index, preRollCapacity, nullptr, n);
                p += n;
            }
        }
        position = runEnd;
    }
    ringCount = 0;
    ringDrops.clear();
    if (nextPos < startPosition)
        writeSilence(startPosition - nextPos); // dropped just before the start
}

void EncoderThread::sendAudio(const float* first, int64_t stride, AudioBlock* block, int64_t numFrames)
{
    if (numFrames <= 0)
        return;
    for (int c = 0; c < numChannels; ++c)
        planeScratch[size_t(c)] = first + c * stride;
    monitor.process(planeScratch.data(), numFrames);
    const WorkItem item{WorkItem::Kind::audio, first, stride, numFrames, block};
    const int leastHeld = leastHeldBlocks();
    for (size_t i = 0; i < workers.size(); ++i)
    {
        auto& worker = *workers[i];
        if (block != nullptr)
            updateBehind(worker, leastHeld);
        if (block != nullptr && worker.behind)
        {
            // This output is queueSeconds behind the others: it loses this block (silence, queued once it catches
            // up), the others keep every sample and the pool keeps room for them.
            worker.pendingLagFrames += numFrames;
            worker.output().outputCounters().framesNotSent.fetch_add(numFrames, std::memory_order_relaxed);
            continue;
        }
        if (submitTo(i, item) && block != nullptr)
            ++block->pendingWorkers;
    }
    advance(numFrames, false);
}

void EncoderThread::writeSilence(int64_t numFrames)
{
    if (numFrames <= 0)
        return;
    ctx.stats->addDrop({nextPos - origin, numFrames});
    monitor.process(nullptr, numFrames); // the silence written for drops is silence too
    for (size_t i = 0; i < workers.size(); ++i)
        submitTo(i, {WorkItem::Kind::silence, nullptr, 0, numFrames});
    advance(numFrames, true);
}

void EncoderThread::advance(int64_t numFrames, bool silence)
{
    if (monitor.takeWarningChange())
        for (size_t i = 0; i < workers.size(); ++i)
            submitTo(i, {WorkItem::Kind::signalWarning});
    nextPos += numFrames;
    auto& stats = *ctx.stats;
    stats.framesWritten.store(nextPos - origin, std::memory_order_relaxed);
    if (silence)
        stats.silenceFrames.store(stats.silenceFrames.load(std::memory_order_relaxed) + numFrames,
                                  std::memory_order_relaxed);
}

void EncoderThread::flushLag(size_t index)
{
    auto& worker = *workers[index];
    if (worker.pendingLagFrames <= 0)
        return;
    const int64_t frames = worker.pendingLagFrames;
    worker.pendingLagFrames = 0;
    worker.submit({WorkItem::Kind::silence, nullptr, 0, frames});
    submitted[index] = true;
}

bool EncoderThread::submitTo(size_t index, const WorkItem& item)
{
    flushLag(index); // what this output lost comes first: its timeline stays in order
    submitted[index] = true;
    return workers[index]->submit(item);
}

void EncoderThread::wakeWorkers()
{
    for (size_t i = 0; i < workers.size(); ++i)
        if (submitted[i])
        {
            submitted[i] = false;
            workers[i]->wake();
        }
}

bool EncoderThread::collectReturned()
{
    bool any = false;
    ReturnedItem item;
    for (auto& worker : workers)
        while (worker->takeReturned(item))
        {
            any = true;
            if (item.block != nullptr && --item.block->pendingWorkers == 0)
                ctx.pool->release(item.block); // every worker is done with it
            if (item.frame != nullptr)
            {
                item.frame->written = item.frame->written || item.written;
                if (--item.frame->pendingWorkers == 0)
                    finishFrame(item.frame);
            }
        }
    return any;
}

void EncoderThread::finishFrame(VideoFrameSlot* frame)
{
    auto& stats = *ctx.stats;
    if (frame->written)
        stats.videoFramesWritten.fetch_add(1, std::memory_order_relaxed);
    else
        stats.videoFramesDropped.fetch_add(1, std::memory_order_relaxed);
    CAPSTAN_TSAN_RELEASE(frame);
    ctx.videoFree->try_enqueue(frame);
}

bool EncoderThread::processVideo(bool finishing)
{
    if (ctx.videoQueue == nullptr)
        return false;
    bool didWork = false;
    while (VideoFrameSlot* frame = queueFront(*ctx.videoQueue))
    {
        CAPSTAN_TSAN_ACQUIRE(frame);
        // Keep audio ahead of video so the muxer interleaves without piling up packets; a frame goes once audio
        // exists after its start (one at the very end of the recording is left out at stop).
        if (!finishing && (!begun || frame->position >= nextPos))
            break;
        ctx.videoQueue->pop();
        frame->pendingWorkers = 0;
        frame->written = false;
        if (finishing && begun && frame->position >= nextPos)
        {
            // At or after the recording's last sample: it would show for no time at all, or after the end. Not part
            // of the recording (a producer cannot know the end before stop()), so neither written nor dropped.
            CAPSTAN_TSAN_RELEASE(frame);
            ctx.videoFree->try_enqueue(frame);
            didWork = true;
            continue;
        }
        if (begun && frame->position >= origin)
        {
            const WorkItem item{WorkItem::Kind::video, nullptr, 0, 0, nullptr, frame, frame->position - origin};
            for (size_t i = 0; i < workers.size(); ++i)
            {
                auto& worker = *workers[i];
                if (!worker.output().hasVideo())
                    continue;
                if (worker.behind)
                {
                    // Too far behind to take audio: it takes no frames either (they would hold the others' slots).
                    worker.output().outputCounters().videoFramesNotSent.fetch_add(1, std::memory_order_relaxed);
                    continue;
                }
                if (submitTo(i, item))
                    ++frame->pendingWorkers;
            }
        }
        if (frame->pendingWorkers == 0)
            finishFrame(frame);
        didWork = true;
    }
    return didWork;
}

void EncoderThread::housekeeping(bool force)
{
    // The outputs belong to the control thread until start() has opened them and published `started`.
    if (!ctx.started.load(std::memory_order_acquire))
        return;
    const auto now = std::chrono::steady_clock::now();
    auto& stats = *ctx.stats;

    // Each worker keeps its output's counters; the lag is that of the slowest local output still writing.
    int64_t bytes = 0, segments = 0, consumed = clockTaken;
    for (auto& worker : workers)
    {
        auto& counters = worker->output().outputCounters();
        bytes += counters.bytesWritten.load(std::memory_order_relaxed);
        segments += worker->segmentCount();
        if (!begun || !worker->isThreaded())
            continue;
        const int64_t handled = worker->framesHandled();
        const int64_t queued = nextPos - origin - worker->pendingLagFrames - handled; // what it lost is not queued
        counters.backlogFrames.store(std::max<int64_t>(0, queued), std::memory_order_relaxed);
        if (!worker->hasFailed())
            consumed = std::min(consumed, origin + handled);
    }
    stats.bytesWritten.store(bytes, std::memory_order_relaxed);
    stats.segments.store(segments, std::memory_order_relaxed);
    stats.clockConsumed.store(consumed, std::memory_order_relaxed);
    if (force || now - lastDiskCheck >= std::chrono::seconds(1))
    {
        lastDiskCheck = now;
        const auto& path = ctx.config->outputs.front().path;
        std::filesystem::path directory = std::filesystem::path(path).parent_path();
        if (directory.empty())
            directory = ".";
        struct statvfs info
        {
        };
        if (path.find("://") == std::string::npos && statvfs(directory.c_str(), &info) == 0)
        {
            const int64_t freeBytes = int64_t(info.f_bavail) * int64_t(info.f_frsize);
            stats.diskFreeBytes.store(freeBytes, std::memory_order_relaxed);
            const double seconds = double(nextPos - origin) / sampleRate;
            const double rate = seconds > 0.5 ? double(bytes) / seconds : 0.0;
            stats.secondsUntilDiskFull.store(rate > 0 ? double(freeBytes) / rate : -1.0, std::memory_order_relaxed);
        }
    }
}

void EncoderThread::finish()
{
    if (ctx.started.load(std::memory_order_acquire))
    {
        const int64_t finalPosition = ctx.finalPosition.load(std::memory_order_acquire);
        if (!begun)
        {
            const int64_t start = ctx.recordStart.load(std::memory_order_acquire);
            begin(start >= 0 ? start : finalPosition);
        }
        if (finalPosition > nextPos)
            writeSilence(finalPosition - nextPos); // dropped at the very end
        processVideo(true);
        monitor.finish(); // a take silent from start to end is said to be, however short
        if (monitor.takeWarningChange())
            for (size_t i = 0; i < workers.size(); ++i)
                submitTo(i, {WorkItem::Kind::signalWarning});
        for (size_t i = 0; i < workers.size(); ++i)
            flushLag(i);
    }
    // Every worker writes what it has and finalizes its output at the same time as the others.
    for (size_t i = 0; i < workers.size(); ++i)
    {
        submitted[i] = false;
        workers[i]->requestFinish();
    }
    for (auto& worker : workers)
        worker->join();
    collectReturned();
    ctx.stats->clockConsumed.store(ctx.stats->framesPushed.load(std::memory_order_relaxed), std::memory_order_relaxed);
    clockTaken = ctx.stats->framesPushed.load(std::memory_order_relaxed);
    housekeeping(true);
}

} // namespace capstan
