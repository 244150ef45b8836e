#include "EncoderThread.h"

#include "TsanAnnotations.h"

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
    errorReported.assign(ctx.outputs->size(), false);
    planeScratch.resize(size_t(numChannels));
    // Per-output state in the stats (network outputs report connected/retrying/failed and what was not sent).
    for (size_t i = 0; i < ctx.outputs->size() && i < size_t(RecorderStats::maxOutputs); ++i)
        (*ctx.outputs)[i]->attachCounters(ctx.stats->output(int(i)));
    for (auto& output : *ctx.outputs)
        output->setSignalMonitor(&monitor);
}

EncoderThread::~EncoderThread()
{
    if (thread.joinable())
        thread.join();
}

void EncoderThread::start()
{
    lastFlush = lastDiskCheck = std::chrono::steady_clock::now();
    thread = std::thread([this] { run(); });
}

void EncoderThread::join()
{
    if (thread.joinable())
        thread.join();
}

void EncoderThread::run()
{
    for (;;)
    {
        while (ctx.stalledForTesting.load(std::memory_order_acquire))
            std::this_thread::sleep_for(std::chrono::milliseconds(1));

        // Read the stop flag before draining: everything queued before it was set is then seen by this drain.
        const bool stopping = ctx.stopRequested.load(std::memory_order_acquire);
        bool didWork = false;
        AudioBlock* block = nullptr;
        int drained = 0;
        while (ctx.audioQueue->try_dequeue(block))
        {
            CAPSTAN_TSAN_ACQUIRE(block);
            process(*block);
            ctx.pool->release(block);
            didWork = true;
            if (++drained >= 64 && !stopping)
                break; // let video and housekeeping run between long bursts
        }
        // Video after every batch, so a long audio backlog cannot starve it.
        didWork = processVideo(false) || didWork;
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
    ctx.stats->clockConsumed.store(block.position + block.numFrames, std::memory_order_relaxed);
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
    for (int c = 0; c < numChannels; ++c)
        planeScratch[size_t(c)] = block.channel(c) + skip;
    writeTimeline(planeScratch.data(), block.numFrames - skip, false);
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
                const int64_t index = p % preRollCapacity;
                const int64_t n = std::min(runEnd - p, preRollCapacity - index);
                for (int c = 0; c < numChannels; ++c)
                    planeScratch[size_t(c)] = ring.data() + size_t(c) * size_t(preRollCapacity) + size_t(index);
                writeTimeline(planeScratch.data(), n, false);
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

void EncoderThread::writeTimeline(const float* const* planes, int64_t numFrames, bool silence)
{
    if (numFrames <= 0)
        return;
    monitor.process(silence ? nullptr : planes, numFrames); // the silence written for drops is silence too
    for (auto& output : *ctx.outputs)
        if (!output->failed())
            output->writeAudio(planes, numFrames, silence);
    if (monitor.takeWarningChange())
        for (auto& output : *ctx.outputs)
            output->noteSignalWarning();
    nextPos += numFrames;
    auto& stats = *ctx.stats;
    stats.framesWritten.store(nextPos - origin, std::memory_order_relaxed);
    if (silence)
        stats.silenceFrames.store(stats.silenceFrames.load(std::memory_order_relaxed) + numFrames,
                                  std::memory_order_relaxed);
    publishErrors();
}

void EncoderThread::writeSilence(int64_t numFrames)
{
    if (numFrames <= 0)
        return;
    ctx.stats->addDrop({nextPos - origin, numFrames});
    writeTimeline(nullptr, numFrames, true);
}

bool EncoderThread::processVideo(bool finishing)
{
    if (ctx.videoQueue == nullptr)
        return false;
    bool didWork = false;
    while (VideoFrameSlot** front = ctx.videoQueue->peek())
    {
        VideoFrameSlot* frame = *front;
        CAPSTAN_TSAN_ACQUIRE(frame);
        // Keep audio ahead of video so the muxer interleaves without piling up packets.
        if (!finishing && (!begun || frame->position > nextPos))
            break;
        ctx.videoQueue->pop();
        bool written = false;
        if (begun && frame->position >= origin)
            for (auto& output : *ctx.outputs)
                if (output->hasVideo() && output->writeVideo(frame->data, frame->numBytes, frame->position - origin))
                    written = true;
        auto& stats = *ctx.stats;
        if (written)
            stats.videoFramesWritten.fetch_add(1, std::memory_order_relaxed);
        else
            stats.videoFramesDropped.fetch_add(1, std::memory_order_relaxed);
        CAPSTAN_TSAN_RELEASE(frame);
        ctx.videoFree->try_enqueue(frame);
        didWork = true;
    }
    publishErrors();
    return didWork;
}

void EncoderThread::housekeeping(bool force)
{
    // The outputs belong to the control thread until start() has opened them and published `started`.
    if (!ctx.started.load(std::memory_order_acquire))
        return;
    const auto now = std::chrono::steady_clock::now();
    auto& stats = *ctx.stats;
    if (begun && (force || now - lastFlush >= ctx.config->flushInterval))
    {
        lastFlush = now;
        for (auto& output : *ctx.outputs)
            output->flush();
        publishErrors();
    }

    int64_t bytes = 0, segments = 0;
    for (auto& output : *ctx.outputs)
    {
        bytes += output->bytesWritten();
        segments += int64_t(output->files().size());
    }
    stats.bytesWritten.store(bytes, std::memory_order_relaxed);
    stats.segments.store(segments, std::memory_order_relaxed);

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

void EncoderThread::publishErrors()
{
    if (!ctx.started.load(std::memory_order_acquire))
        return;
    auto& outputs = *ctx.outputs;
    for (size_t i = 0; i < outputs.size(); ++i)
    {
        if (!errorReported[i] && outputs[i]->failed())
        {
            errorReported[i] = true;
            auto& stats = *ctx.stats;
            stats.writeErrors.store(stats.writeErrors.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
            stats.setError(outputs[i]->error());
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
            for (auto& output : *ctx.outputs)
                output->noteSignalWarning();
        for (auto& output : *ctx.outputs)
            output->close();
        publishErrors();
    }
    ctx.stats->clockConsumed.store(ctx.stats->framesPushed.load(std::memory_order_relaxed), std::memory_order_relaxed);
    housekeeping(true);
}

} // namespace capstan
