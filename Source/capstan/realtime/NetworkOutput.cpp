#include "NetworkOutput.h"

#include "TsanAnnotations.h"

#include <capstan/media/Error.h>
#include <capstan/media/NetworkUrl.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>

namespace capstan
{

namespace
{
using Clock = std::chrono::steady_clock;

void checkSpec(const OutputSpec& spec)
{
    const auto fail = [&spec](const std::string& what) { throw Error("output '" + spec.path + "': " + what); };
    if (!(spec.networkQueueSeconds > 0.0) || spec.networkQueueSeconds > 600.0)
        fail("networkQueueSeconds must be > 0 and <= 600");
    if (!(spec.ioTimeoutSeconds > 0.0) || spec.ioTimeoutSeconds > 3600.0)
        fail("ioTimeoutSeconds must be > 0 and <= 3600");
    if (spec.reconnectAttempts < -1)
        fail("reconnectAttempts must be -1 (forever), 0 (never) or a positive count");
    if (!(spec.reconnectDelaySeconds >= 0.0) || !(spec.reconnectMaxDelaySeconds >= spec.reconnectDelaySeconds))
        fail("reconnect delays must be >= 0 with reconnectMaxDelaySeconds >= reconnectDelaySeconds");
}

bool hasOption(const Options& options, const char* key)
{
    return std::any_of(options.begin(), options.end(), [key](const auto& kv) { return kv.first == key; });
}
} // namespace

NetworkOutput::NetworkOutput(const OutputSpec& spec_, int sampleRate_, int numChannels_, const VideoSpec& video_,
                             bool withVideo_, OutputCounters& counters_)
    : spec(spec_), sampleRate(sampleRate_), numChannels(numChannels_), video(video_), withVideo(withVideo_),
      counters(counters_), displayUrl(NetworkUrl::forDisplay(spec_.path)),
      queue(size_t(std::ceil(spec_.networkQueueSeconds * sampleRate_ / 1024.0)) + size_t(video_.queueFrames) + 2),
      freeAudio(size_t(std::ceil(spec_.networkQueueSeconds * sampleRate_ / 1024.0)) + 1),
      freeVideo(size_t(video_.queueFrames) + 1)
{
    checkSpec(spec);
    numAudioChunks = int(std::ceil(spec.networkQueueSeconds * sampleRate / double(chunkFrames)));
    audioStorage.assign(size_t(numAudioChunks) * size_t(chunkFrames) * size_t(numChannels), 0.0f);
    for (int i = 0; i < numAudioChunks; ++i)
        freeAudio.try_enqueue(i);
    if (withVideo)
    {
        // As many frames as the recorder's own video queue: the network thread keeps pace with it or drops.
        videoFrameBytes = size_t(bytesPerFrame(video.format, video.width, video.height));
        videoStorage.assign(videoFrameBytes * size_t(video.queueFrames), 0);
        for (int i = 0; i < video.queueFrames; ++i)
            freeVideo.try_enqueue(i);
    }
    planeScratch.resize(size_t(numChannels));
    counters.describe(displayUrl, true);
}

NetworkOutput::~NetworkOutput()
{
    try
    {
        close();
    }
    catch (...)
    {
    }
}

std::unique_ptr<StreamWriter> NetworkOutput::makeWriter(int64_t position, int& audio, int& videoIndex) const
{
    auto result = std::make_unique<StreamWriter>(spec.path, spec.format);
    result->setIoTimeout(spec.ioTimeoutSeconds);
    audio = result->addAudioStream(audioStreamConfig(spec, sampleRate, numChannels));
    videoIndex = withVideo ? result->addVideoStream(videoStreamConfig(video)) : -1;
    Options options = spec.muxerOptions;
    // A resumed stream continues the recording's clock: its timestamps start where the timeline is now.
    if (position > 0 && !hasOption(options, "output_ts_offset"))
    {
        char offset[64];
        std::snprintf(offset, sizeof(offset), "%lldus", (long long)std::llround(double(position) * 1e6 / sampleRate));
        options.push_back({"output_ts_offset", offset});
    }
    result->open(options);
    return result;
}

void NetworkOutput::open()
{
    setState(OutputCounters::State::connecting);
    try
    {
        auto first = makeWriter(0, audioStream, videoStream);
        std::lock_guard lock(writerMutex);
        writer = std::move(first);
    }
    catch (const std::exception& e)
    {
        counters.setLastError(e.what());
        setState(OutputCounters::State::failed);
        closed = true;
        throw Error("output '" + spec.path + "': " + e.what());
    }
    connectionStart = nextAudio = 0;
    setState(OutputCounters::State::connected);
    lastFlush = Clock::now();
    thread = std::thread([this] { run(); });
}

void NetworkOutput::setState(OutputCounters::State state)
{
    counters.state.store(state, std::memory_order_relaxed);
}

std::string NetworkOutput::failure() const
{
    std::lock_guard lock(failureMutex);
    return failureText;
}

void NetworkOutput::writeAudio(const float* const* planes, int64_t numFrames, bool silence,
                               int64_t timelinePosition) noexcept
{
    if (gaveUp.load(std::memory_order_relaxed))
    {
        counters.framesNotSent.fetch_add(numFrames, std::memory_order_relaxed);
        return;
    }
    for (int64_t done = 0; done < numFrames;)
    {
        const int64_t n = std::min(chunkFrames, numFrames - done);
        int slot = -1;
        if (!freeAudio.try_dequeue(slot))
        {
            // The server (or this output's encoder) is behind by a whole queue: this audio is not sent.
            counters.framesNotSent.fetch_add(numFrames - done, std::memory_order_relaxed);
            return;
        }
        CAPSTAN_TSAN_ACQUIRE(audioSlot(slot));
        if (!silence)
            for (int c = 0; c < numChannels; ++c)
                std::memcpy(audioSlot(slot) + size_t(c) * size_t(chunkFrames), planes[c] + done,
                            size_t(n) * sizeof(float));
        CAPSTAN_TSAN_RELEASE(audioSlot(slot));
        queue.try_enqueue(Item{false, silence, slot, timelinePosition + done, n}); // room for every slot: never fails
        queuedFrames.fetch_add(n, std::memory_order_relaxed);
        counters.backlogFrames.store(queuedFrames.load(std::memory_order_relaxed), std::memory_order_relaxed);
        done += n;
    }
}

bool NetworkOutput::writeVideo(const uint8_t* frame, size_t numBytes, int64_t timelineFrame) noexcept
{
    int slot = -1;
    if (!withVideo || numBytes != videoFrameBytes || !freeVideo.try_dequeue(slot))
    {
        counters.videoFramesNotSent.fetch_add(1, std::memory_order_relaxed);
        return false;
    }
    CAPSTAN_TSAN_ACQUIRE(videoSlot(slot));
    std::memcpy(videoSlot(slot), frame, numBytes);
    CAPSTAN_TSAN_RELEASE(videoSlot(slot));
    queue.try_enqueue(Item{true, false, slot, timelineFrame, 0});
    return true;
}

void NetworkOutput::run()
{
    for (;;)
    {
        // Read the flag first: everything queued before close() set it is seen by the drain below.
        const bool stopping = closing.load(std::memory_order_acquire);
        Item item;
        bool any = false;
        while (queue.try_dequeue(item))
        {
            if (item.video)
                CAPSTAN_TSAN_ACQUIRE(videoSlot(item.slot));
            else
                CAPSTAN_TSAN_ACQUIRE(audioSlot(item.slot));
            any = true;
            handle(item);
            release(item);
        }
        if (writer && Clock::now() - lastFlush > std::chrono::milliseconds(250))
        {
            lastFlush = Clock::now();
            try
            {
                writer->flush();
            }
            catch (const std::exception& e)
            {
                disconnect(e.what());
            }
        }
        if (stopping && !queue.peek())
            break;
        if (!any)
            std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }

    // Finalize: the trailer goes out while still connected (bounded by the I/O timeout).
    if (writer)
    {
        try
        {
            writer->close();
        }
        catch (const std::exception& e)
        {
            counters.disconnects.fetch_add(1, std::memory_order_relaxed);
            counters.setLastError(std::string("closing: ") + e.what());
        }
        closedBytes += writer->bytesWritten();
        counters.bytesWritten.store(closedBytes, std::memory_order_relaxed);
        noteRepairs(true);
        std::lock_guard lock(writerMutex);
        writer.reset();
    }
    if (!gaveUp.load(std::memory_order_relaxed))
        setState(OutputCounters::State::closed);
    finished.store(true, std::memory_order_release);
}

void NetworkOutput::release(const Item& item)
{
    if (item.video)
    {
        CAPSTAN_TSAN_RELEASE(videoSlot(item.slot));
        freeVideo.try_enqueue(item.slot);
    }
    else
    {
        queuedFrames.fetch_sub(item.numFrames, std::memory_order_relaxed);
        CAPSTAN_TSAN_RELEASE(audioSlot(item.slot));
        freeAudio.try_enqueue(item.slot);
    }
}

void NetworkOutput::notSent(const Item& item)
{
    if (item.video)
        counters.videoFramesNotSent.fetch_add(1, std::memory_order_relaxed);
    else
        counters.framesNotSent.fetch_add(item.numFrames, std::memory_order_relaxed);
}

void NetworkOutput::handle(const Item& item)
{
    if (!writer)
    {
        // Disconnected: reconnect when it is time, at an audio chunk (its position starts the new connection).
        const bool mayConnect = !gaveUp.load(std::memory_order_relaxed) && !closing.load(std::memory_order_relaxed) &&
                                !item.video && Clock::now() >= nextAttempt;
        if (!mayConnect || !connect(item.position))
        {
            notSent(item);
            return;
        }
    }
    try
    {
        if (item.video)
        {
            const int64_t relative = item.position - connectionStart;
            const int64_t index = relative < 0 ? -1
                                               : int64_t(std::llround(double(relative) * video.frameRate.num /
                                                                      (double(video.frameRate.den) * sampleRate)));
            if (index <= lastVideoIndex)
            {
                notSent(item);
                return;
            }
            const double pts = double(index) * video.frameRate.den / video.frameRate.num;
            writer->writeVideoChunk(videoStream, std::span<const uint8_t>(videoSlot(item.slot), videoFrameBytes), pts);
            lastVideoIndex = index;
        }
        else
        {
            for (int c = 0; c < numChannels; ++c)
                planeScratch[size_t(c)] = audioSlot(item.slot) + size_t(c) * size_t(chunkFrames);
            if (item.silence)
                for (int c = 0; c < numChannels; ++c)
                    std::fill_n(const_cast<float*>(planeScratch[size_t(c)]), item.numFrames, 0.0f);
            // Audio this output lost to a full queue leaves a gap: the writer fills it with silence, so the stream
            // keeps the recording's timing.
            std::optional<double> pts;
            if (item.position > nextAudio)
                pts = double(item.position - connectionStart) / sampleRate;
            writer->writeAudioChunk(audioStream,
                                    AudioData{SampleFormat::fltp,
                                              reinterpret_cast<const void* const*>(planeScratch.data()), numChannels,
                                              item.numFrames},
                                    pts);
            nextAudio = item.position + item.numFrames;
            counters.framesWritten.store(nextAudio, std::memory_order_relaxed);
            noteRepairs(false);
        }
        counters.bytesWritten.store(closedBytes + writer->bytesWritten(), std::memory_order_relaxed);
    }
    catch (const std::exception& e)
    {
        notSent(item);
        disconnect(e.what());
    }
}

bool NetworkOutput::connect(int64_t position)
{
    try
    {
        int audio = -1, videoIndex = -1;
        auto next = makeWriter(position, audio, videoIndex);
        {
            std::lock_guard lock(writerMutex);
            writer = std::move(next);
        }
        audioStream = audio;
        videoStream = videoIndex;
    }
    catch (const std::exception& e)
    {
        ++failedAttempts;
        counters.setLastError(std::string("reconnect attempt ") + std::to_string(failedAttempts) + ": " + e.what());
        if (spec.reconnectAttempts >= 0 && failedAttempts >= spec.reconnectAttempts)
        {
            {
                std::lock_guard lock(failureMutex);
                failureText = "output '" + displayUrl + "': gave up after " + std::to_string(failedAttempts) +
                              " reconnect attempt(s): " + e.what();
            }
            setState(OutputCounters::State::failed);
            gaveUp.store(true, std::memory_order_release);
            return false;
        }
        currentDelay = std::min(currentDelay * 2, spec.reconnectMaxDelaySeconds);
        nextAttempt = Clock::now() + std::chrono::microseconds(int64_t(currentDelay * 1e6));
        return false;
    }
    failedAttempts = 0;
    connectionStart = nextAudio = position;
    lastVideoIndex = -1;
    lastFlush = Clock::now();
    counters.reconnects.fetch_add(1, std::memory_order_relaxed);
    counters.resumedAtFrame.store(position, std::memory_order_relaxed);
    setState(OutputCounters::State::connected);
    return true;
}

void NetworkOutput::disconnect(const std::string& reason)
{
    counters.disconnects.fetch_add(1, std::memory_order_relaxed);
    counters.setLastError(reason);
    if (writer)
    {
        // The connection is gone: free the writer at once rather than wait for its trailer to time out.
        writer->interrupt();
        try
        {
            writer->close();
        }
        catch (...)
        {
        }
        closedBytes += writer->bytesWritten();
        counters.bytesWritten.store(closedBytes, std::memory_order_relaxed);
        noteRepairs(true);
        std::lock_guard lock(writerMutex);
        writer.reset();
    }
    if (spec.reconnectAttempts == 0)
    {
        {
            std::lock_guard lock(failureMutex);
            failureText = "output '" + displayUrl + "': " + reason + " (reconnecting is off)";
        }
        setState(OutputCounters::State::failed);
        gaveUp.store(true, std::memory_order_release);
        return;
    }
    currentDelay = spec.reconnectDelaySeconds;
    nextAttempt = Clock::now() + std::chrono::microseconds(int64_t(currentDelay * 1e6));
    setState(OutputCounters::State::retrying);
}

void NetworkOutput::close()
{
    if (closed)
        return;
    closed = true;
    if (!thread.joinable())
        return;
    closing.store(true, std::memory_order_release);
    // The thread drains and sends the trailer, each network call bounded by the I/O timeout. Should it still be
    // busy after that (a server that stalls every call), interrupt it: close() must return.
    const auto deadline = Clock::now() + std::chrono::microseconds(int64_t((2 * spec.ioTimeoutSeconds + 1) * 1e6));
    while (!finished.load(std::memory_order_acquire) && Clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    if (!finished.load(std::memory_order_acquire))
    {
        std::lock_guard lock(writerMutex);
        if (writer)
            writer->interrupt();
    }
    thread.join();
    counters.backlogFrames.store(0, std::memory_order_relaxed);
}

void NetworkOutput::noteRepairs(bool retiring)
{
    const SampleRepairs& r = writer->sampleRepairs(audioStream);
    counters.nonFiniteSamples.store(closedRepairs.nonFiniteSamples + r.nonFiniteSamples, std::memory_order_relaxed);
    counters.clippedSamples.store(closedRepairs.clippedSamples + r.clippedSamples, std::memory_order_relaxed);
    counters.repairIntervals.store(closedRepairs.intervalCount + r.intervalCount, std::memory_order_relaxed);
    if (counters.firstRepairFrame.load(std::memory_order_relaxed) < 0 && !r.intervals.empty())
        counters.firstRepairFrame.store(connectionStart + r.intervals.front().position, std::memory_order_relaxed);
    if (retiring)
    {
        closedRepairs.nonFiniteSamples += r.nonFiniteSamples;
        closedRepairs.clippedSamples += r.clippedSamples;
        closedRepairs.intervalCount += r.intervalCount;
    }
}

} // namespace capstan
