#include "Recorder.h"

#include "TsanAnnotations.h"

#include <capstan/media/Error.h>
#include <capstan/media/NetworkUrl.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <thread>

namespace capstan
{

namespace
{
const char* stateName(Recorder::State state)
{
    switch (state)
    {
    case Recorder::State::idle:
        return "idle";
    case Recorder::State::armed:
        return "armed";
    case Recorder::State::recording:
        return "recording";
    case Recorder::State::stopping:
        return "stopping";
    case Recorder::State::stopped:
        return "stopped";
    }
    return "?";
}

/** Removes what an output wrote into files (every segment and its drops sidecar); streams, standard output and
    devices are left alone. */
void removeFilesOf(const SegmentedOutput& output, const OutputSpec& spec)
{
    if (output.isNetwork() || spec.path == "-" || spec.path.find("://") != std::string::npos ||
        NetworkUrl::isOutputDevice(spec.format))
        return;
    std::error_code ignored;
    for (const auto& file : output.files())
    {
        if (std::filesystem::is_regular_file(file, ignored))
            std::filesystem::remove(file, ignored);
        std::filesystem::remove(file + ".drops.json", ignored);
    }
}

void validate(const RecorderConfig& c)
{
    auto fail = [](const std::string& what) { throw Error("Recorder: " + what); };
    if (c.sampleRate < 1000 || c.sampleRate > 768000)
        fail("sampleRate " + std::to_string(c.sampleRate) + " is out of range (accepted: 1000..768000)");
    if (c.numChannels < 1 || c.numChannels > 64)
        fail("numChannels " + std::to_string(c.numChannels) + " is out of range (accepted: 1..64)");
    if (c.blockFrames < 16 || c.blockFrames > 65536)
        fail("blockFrames " + std::to_string(c.blockFrames) + " is out of range (accepted: 16..65536)");
    if (!(c.queueSeconds > 0.0) || c.queueSeconds > 600.0)
        fail("queueSeconds " + std::to_string(c.queueSeconds) + " is out of range (accepted: > 0 and <= 600)");
    if (!(c.preRollSeconds >= 0.0) || c.preRollSeconds > 600.0)
        fail("preRollSeconds " + std::to_string(c.preRollSeconds) + " is out of range (accepted: 0..600)");
    if (!(c.splitSeconds >= 0.0))
        fail("splitSeconds must be >= 0 (0: no split)");
    if (c.splitSeconds > 0.0 && c.splitSeconds * c.sampleRate < 1.0)
        fail("splitSeconds " + std::to_string(c.splitSeconds) + " is shorter than one sample");
    if (c.splitBytes < 0)
        fail("splitBytes must be >= 0 (0: no split)");
    if (c.outputs.empty())
        fail("no outputs: give at least one OutputSpec with a path");
    bool anyVideo = false;
    for (const auto& o : c.outputs)
    {
        if (o.path.empty())
            fail("an output has an empty path");
        anyVideo = anyVideo || o.withVideo;
    }
    if (anyVideo && !c.video.enabled)
        fail("an output asks for video (withVideo) but RecorderConfig::video is not enabled");
    if (c.video.enabled)
    {
        if (c.video.width <= 0 || c.video.height <= 0)
            fail("video size " + std::to_string(c.video.width) + "x" + std::to_string(c.video.height) +
                 " is invalid (accepted: positive width and height)");
        if (!c.video.frameRate.isValid())
            fail("video frameRate must be a positive ratio, e.g. 30/1 or 30000/1001");
        if (c.video.queueFrames < 1 || c.video.queueFrames > 1024)
            fail("video queueFrames " + std::to_string(c.video.queueFrames) + " is out of range (accepted: 1..1024)");
    }
    if (!(c.signalWarningSeconds == 0.0 || (c.signalWarningSeconds >= 0.1 && c.signalWarningSeconds <= 86400.0)))
        fail("signalWarningSeconds " + std::to_string(c.signalWarningSeconds) +
             " is out of range (accepted: 0 for off, or 0.1..86400)");
    if (c.pollInterval.count() <= 0 || c.pollInterval.count() > 100000)
        fail("pollInterval must be between 1 us and 100 ms");
}
} // namespace

Recorder::Recorder(RecorderConfig config) : cfg(std::move(config))
{
    validate(cfg);
    recorderStats.sampleRate.store(cfg.sampleRate);
}

Recorder::~Recorder()
{
    try
    {
        stop();
    }
    catch (...)
    {
    }
}

int Recorder::queueFill(const void* blockPool)
{
    // Blocks in use: waiting for the encoder thread or for an output's worker.
    const auto* p = static_cast<const BlockPool*>(blockPool);
    return std::max(0, p->numBlocks() - p->numFree());
}

void Recorder::arm()
{
    const State state = currentState.load();
    if (state == State::armed || state == State::recording)
        return;
    if (state != State::idle)
        throw Error(std::string("Recorder::arm: a recorder is used once; this one is ") + stateName(state));

    // Each output may fall queueSeconds behind before it loses audio of its own. With one local output that is the
    // whole pool (plus the block the audio thread is filling); with several, the pool holds twice as much, so that
    // while one output sits at its limit the others still have queueSeconds of room and never drop.
    const int queueBlocks = int(std::ceil(cfg.queueSeconds * cfg.sampleRate / cfg.blockFrames));
    const auto localOutputs = std::count_if(cfg.outputs.begin(), cfg.outputs.end(),
                                            [](const auto& o) { return !NetworkUrl::isNetwork(o.path); });
    const int numBlocks = localOutputs >= 2 ? 2 * queueBlocks + 1 : queueBlocks + 1;
    context.blocksPerOutput = localOutputs >= 2 ? queueBlocks : numBlocks;
    pool = std::make_unique<BlockPool>(numBlocks, cfg.numChannels, cfg.blockFrames);
    audioQueue = std::make_unique<moodycamel::ReaderWriterQueue<AudioBlock*>>(size_t(numBlocks));
    recorderStats.queueCapacity.store(numBlocks);
    recorderStats.fillSource = pool.get();
    recorderStats.fillReader = &Recorder::queueFill;

    if (cfg.video.enabled)
    {
        videoFrameBytes = size_t(bytesPerFrame(cfg.video.format, cfg.video.width, cfg.video.height));
        const size_t n = size_t(cfg.video.queueFrames);
        videoStorage = std::make_unique<uint8_t[]>(videoFrameBytes * n);
        std::memset(videoStorage.get(), 0, videoFrameBytes * n);
        videoFrames.resize(n);
        videoQueue = std::make_unique<moodycamel::ReaderWriterQueue<VideoFrameSlot*>>(n);
        videoFree = std::make_unique<moodycamel::ReaderWriterQueue<VideoFrameSlot*>>(n);
        for (size_t i = 0; i < n; ++i)
        {
            videoFrames[i].data = videoStorage.get() + i * videoFrameBytes;
            videoFree->try_enqueue(&videoFrames[i]);
        }
    }

    const int64_t splitFrames =
        cfg.splitSeconds > 0 ? std::max<int64_t>(1, std::llround(cfg.splitSeconds * cfg.sampleRate)) : 0;
    for (const auto& spec : cfg.outputs)
        outputs.push_back(std::make_unique<SegmentedOutput>(spec, cfg.sampleRate, cfg.numChannels, cfg.video,
                                                            splitFrames, cfg.splitBytes));

    context.config = &cfg;
    context.pool = pool.get();
    context.audioQueue = audioQueue.get();
    context.videoQueue = videoQueue.get();
    context.videoFree = videoFree.get();
    context.stats = &recorderStats;
    context.outputs = &outputs;
    encoder = std::make_unique<EncoderThread>(context);
    encoder->start();
    currentState.store(State::armed, std::memory_order_seq_cst);
}

void Recorder::start(int64_t fromPosition)
{
    if (fromPosition < 0)
        throw Error("Recorder::start: fromPosition " + std::to_string(fromPosition) +
                    " is negative (accepted: a sample position on the audio clock, 0 or more)");
    if (currentState.load() == State::recording)
        return;
    context.requestedOrigin.store(fromPosition, std::memory_order_release);
    start();
}

void Recorder::start()
{
    arm();
    const State state = currentState.load();
    if (state == State::recording)
        return;
    if (state != State::armed)
        throw Error(std::string("Recorder::start: needs an armed recorder; this one is ") + stateName(state));

    // Open every output here, on the control thread, so that a bad path or option is an immediate, clear error.
    // The encoder thread touches the outputs only after it sees `started` or a recorded block.
    size_t opened = 0;
    try
    {
        for (; opened < outputs.size(); ++opened)
            outputs[opened]->open();
    }
    catch (...)
    {
        // Nothing is left open or half-written: the outputs opened before the failing one are closed and what they
        // created in this start is removed. The failing one removed its own file (StreamWriter::open).
        for (size_t i = 0; i < outputs.size(); ++i)
        {
            outputs[i]->close();
            if (i < opened)
                removeFilesOf(*outputs[i], cfg.outputs[i]);
        }
        throw;
    }
    context.started.store(true, std::memory_order_release);
    currentState.store(State::recording, std::memory_order_seq_cst);
}

void Recorder::setOutputPath(size_t index, const std::string& path)
{
    const State state = currentState.load();
    if (state != State::idle && state != State::armed)
        throw Error(std::string("Recorder::setOutputPath: only before start(); this recorder is ") + stateName(state));
    if (index >= cfg.outputs.size())
        throw Error("Recorder::setOutputPath: output " + std::to_string(index) + " does not exist (accepted: 0.." +
                    std::to_string(cfg.outputs.size() - 1) + ")");
    const auto isUrl = [](const std::string& p) { return p.find("://") != std::string::npos || p == "-"; };
    if (path.empty() || isUrl(path) || isUrl(cfg.outputs[index].path))
        throw Error("Recorder::setOutputPath: takes a file path for a file output, got '" + path + "'");
    // The encoder thread reads the outputs (and the first one's folder) only after start() publishes `started`.
    cfg.outputs[index].path = path;
    if (index < outputs.size())
        outputs[index]->setPath(path);
}

void Recorder::waitForPushers() const
{
    while (activePushers.load(std::memory_order_seq_cst) != 0 ||
           activeVideoPushers.load(std::memory_order_seq_cst) != 0)
        std::this_thread::yield();
}

void Recorder::stop()
{
    State state = currentState.load();
    if (state == State::idle || state == State::stopped)
        return;
    if (state == State::stopping)
        throw Error("Recorder::stop: already stopping on another thread");
    currentState.store(State::stopping, std::memory_order_seq_cst);
    // Dekker-style: the audio thread raises activePushers before reading the state, so once this reads zero no
    // push is in progress and none will start taking audio.
    waitForPushers();

    // Hand over the partly filled (or empty) block; this thread is now the queue's only producer.
    if (audio.current != nullptr)
    {
        enqueueCurrent();
        audio.current = nullptr; // if the queue was full its frames were counted as a drop
    }
    if (!audio.recording) // start() was called but no callback came since: the recording starts here
        context.recordStart.store(audio.clock, std::memory_order_release);
    context.finalPosition.store(audio.clock, std::memory_order_release);
    context.stopRequested.store(true, std::memory_order_release);
    setEncoderStalledForTesting(false);
    for (auto& stalled : context.outputStalledForTesting)
        stalled.store(false, std::memory_order_release);
    encoder->join();
    currentState.store(State::stopped, std::memory_order_seq_cst);
}

void Recorder::setEncoderStalledForTesting(bool stalled) noexcept
{
    context.stalledForTesting.store(stalled, std::memory_order_release);
}

void Recorder::setOutputStalledForTesting(size_t index, bool stalled) noexcept
{
    if (index < context.outputStalledForTesting.size())
        context.outputStalledForTesting[index].store(stalled, std::memory_order_release);
}

int Recorder::headroomBlocks() const noexcept
{
    if (!pool)
        return 0;
    // Blocks still queued for the encoder thread go to every output: they count for the slowest one already. An
    // output that never holds blocksPerOutput never falls behind the others by as much, so a driver waiting on this
    // loses nothing.
    const int held = (encoder ? encoder->mostHeldBlocks() : 0) + int(audioQueue->size_approx());
    return std::max(0, std::min(pool->numFree(), context.blocksPerOutput - held));
}

std::vector<std::string> Recorder::files() const
{
    std::vector<std::string> result;
    if (currentState.load() != State::stopped)
        return result;
    for (const auto& output : outputs)
        result.insert(result.end(), output->files().begin(), output->files().end());
    return result;
}

std::vector<std::string> Recorder::errors() const
{
    std::vector<std::string> result;
    if (currentState.load() != State::stopped)
        return result;
    for (const auto& output : outputs)
        if (output->failed())
            result.push_back(output->error());
    return result;
}

// ---- audio thread ----

void Recorder::noteDrop(int64_t position, int64_t numFrames) noexcept
{
    auto& stats = recorderStats;
    stats.droppedFrames.store(stats.droppedFrames.load(std::memory_order_relaxed) + numFrames,
                              std::memory_order_relaxed);
    if (position != audio.lastDropEnd)
        stats.dropCount.store(stats.dropCount.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
    audio.lastDropEnd = position + numFrames;
}

void Recorder::enqueueCurrent() noexcept
{
    AudioBlock* block = audio.current;
    CAPSTAN_TSAN_RELEASE(block);
    if (audioQueue->try_enqueue(block))
    {
        audio.current = nullptr;
        const int fill = pool->numBlocks() - pool->numFree(); // in use: queued, or held by an output
        if (fill > recorderStats.queueHighWater.load(std::memory_order_relaxed))
            recorderStats.queueHighWater.store(fill, std::memory_order_relaxed);
        return;
    }
    // Queue full: this block's frames are lost; keep the block for what follows.
    noteDrop(block->position, block->numFrames);
    block->numFrames = 0;
    block->position = audio.clock;
}

void Recorder::pushAudio(const float* const* channels, int numChannels, int numFrames) noexcept
{
    if (numFrames <= 0 || channels == nullptr)
        return;
    activePushers.fetch_add(1, std::memory_order_seq_cst);
    const State state = currentState.load(std::memory_order_seq_cst);
    if (state != State::armed && state != State::recording)
    {
        activePushers.fetch_sub(1, std::memory_order_release);
        return;
    }

    auto& stats = recorderStats;
    const bool recording = state == State::recording;
    if (recording && !audio.recording)
    {
        // The start is latched here, at a sample position; no block straddles it.
        if (audio.current != nullptr && audio.current->numFrames > 0)
            enqueueCurrent();
        if (audio.current != nullptr)
            audio.current->recording = true, audio.current->position = audio.clock;
        audio.recording = true;
        context.recordStart.store(audio.clock, std::memory_order_release);
    }
    if (AudioTap* tap = audioTap.load(std::memory_order_acquire))
        tap->tap(channels, numChannels, numFrames);
    if (numChannels != cfg.numChannels)
        stats.channelMismatches.store(stats.channelMismatches.load(std::memory_order_relaxed) + 1,
                                      std::memory_order_relaxed);

    const int channelsToCopy = std::min(numChannels, cfg.numChannels);
    int offset = 0;
    while (offset < numFrames)
    {
        if (audio.current == nullptr)
        {
            audio.current = pool->acquire();
            if (audio.current == nullptr)
            {
                noteDrop(audio.clock, numFrames - offset);
                audio.clock += numFrames - offset;
                break;
            }
            audio.current->position = audio.clock;
            audio.current->recording = audio.recording;
        }
        AudioBlock& block = *audio.current;
        const int n = std::min(numFrames - offset, block.capacity - block.numFrames);
        for (int c = 0; c < cfg.numChannels; ++c)
        {
            float* destination = block.channel(c) + block.numFrames;
            if (c < channelsToCopy && channels[c] != nullptr)
                std::memcpy(destination, channels[c] + offset, size_t(n) * sizeof(float));
            else
                std::memset(destination, 0, size_t(n) * sizeof(float));
        }
        block.numFrames += n;
        audio.clock += n;
        offset += n;
        if (block.numFrames == block.capacity)
            enqueueCurrent();
    }

    stats.callbacks.store(stats.callbacks.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
    stats.framesPushed.store(audio.clock, std::memory_order_release);
    activePushers.fetch_sub(1, std::memory_order_release);
}

bool Recorder::pushVideoFrame(const uint8_t* data, size_t numBytes) noexcept
{
    return pushVideo(data, numBytes, -1);
}

bool Recorder::pushVideoFrame(const uint8_t* data, size_t numBytes, int64_t samplePosition) noexcept
{
    if (samplePosition < 0)
    {
        if (videoFree)
            recorderStats.videoFramesDropped.fetch_add(1, std::memory_order_relaxed);
        return false;
    }
    return pushVideo(data, numBytes, samplePosition);
}

/** A negative position stamps the frame with the audio clock now. */
bool Recorder::pushVideo(const uint8_t* data, size_t numBytes, int64_t samplePosition) noexcept
{
    if (!videoFree)
        return false;
    activeVideoPushers.fetch_add(1, std::memory_order_seq_cst);
    bool accepted = false;
    if (currentState.load(std::memory_order_seq_cst) == State::recording && data != nullptr &&
        numBytes == videoFrameBytes)
    {
        VideoFrameSlot* frame = nullptr;
        if (videoFree->try_dequeue(frame))
        {
            CAPSTAN_TSAN_ACQUIRE(frame);
            std::memcpy(frame->data, data, numBytes);
            frame->numBytes = numBytes;
            frame->position =
                samplePosition >= 0 ? samplePosition : recorderStats.framesPushed.load(std::memory_order_acquire);
            CAPSTAN_TSAN_RELEASE(frame);
            accepted = videoQueue->try_enqueue(frame); // capacity == pool size: never fails
        }
    }
    if (!accepted)
        recorderStats.videoFramesDropped.fetch_add(1, std::memory_order_relaxed);
    activeVideoPushers.fetch_sub(1, std::memory_order_release);
    return accepted;
}

} // namespace capstan
