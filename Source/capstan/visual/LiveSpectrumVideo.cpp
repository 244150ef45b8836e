#include "LiveSpectrumVideo.h"

#include <capstan/media/Error.h>
#include <capstan/realtime/TsanAnnotations.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <string>

namespace capstan
{

namespace
{
SpectrumVisualizerConfig completed(SpectrumVisualizerConfig config, const RecorderConfig& recorderConfig,
                                   bool intoRecorder)
{
    if (config.sampleRate == 0)
        config.sampleRate = recorderConfig.sampleRate;
    if (config.numChannels == 0)
        config.numChannels = recorderConfig.numChannels;
    const auto fail = [](const std::string& what) { throw Error("live spectrum video: " + what); };
    const VideoSpec& video = recorderConfig.video;
    if (!intoRecorder)
    {
        if (config.sampleRate != recorderConfig.sampleRate || config.numChannels != recorderConfig.numChannels)
            fail("sample rate and channel count must be the recorder's");
        return config; // an overlay: its own size, composed by the video source
    }
    if (!video.enabled)
        fail("the recorder has no video stream (RecorderConfig::video.enabled is false)");
    if (video.format != PixelFormat::bgra)
        fail("the recorder's video format must be bgra (what the visualizer draws)");
    if (video.width != config.width || video.height != config.height)
        fail("picture size " + std::to_string(config.width) + "x" + std::to_string(config.height) +
             " differs from the recorder's video " + std::to_string(video.width) + "x" + std::to_string(video.height));
    if (video.frameRate.num * config.frameRate.den != config.frameRate.num * video.frameRate.den)
        fail("frame rate differs from the recorder's video frame rate");
    if (config.sampleRate != recorderConfig.sampleRate || config.numChannels != recorderConfig.numChannels)
        fail("sample rate and channel count must be the recorder's (" + std::to_string(recorderConfig.sampleRate) +
             " Hz, " + std::to_string(recorderConfig.numChannels) + " channels)");
    return config;
}

size_t blockCount(double queueSeconds, int sampleRate, int blockFrames)
{
    if (!(queueSeconds > 0.0 && queueSeconds <= 600.0))
        throw Error("live spectrum video: queueSeconds " + std::to_string(queueSeconds) +
                    " is out of range (accepted: above 0, up to 600)");
    return size_t(std::max(2.0, std::ceil(queueSeconds * sampleRate / blockFrames)));
}
} // namespace

LiveSpectrumVideo::LiveSpectrumVideo(Recorder& target, const SpectrumVisualizerConfig& config, double queueSeconds)
    : LiveSpectrumVideo(target, config, FrameSink(), queueSeconds)
{
}

LiveSpectrumVideo::LiveSpectrumVideo(Recorder& target, const SpectrumVisualizerConfig& config, FrameSink sink,
                                     double queueSeconds)
    : recorder(target), frameSink(std::move(sink)), settings(completed(config, target.config(), !frameSink)),
      visualizer(settings), numChannels(settings.numChannels),
      filled(blockCount(queueSeconds, settings.sampleRate, blockFrames)),
      spare(blockCount(queueSeconds, settings.sampleRate, blockFrames))
{
    const size_t numBlocks = blockCount(queueSeconds, settings.sampleRate, blockFrames);
    const size_t blockSamples = size_t(blockFrames) * size_t(numChannels);
    storage.assign(numBlocks * blockSamples, 0.0f);
    blocks.resize(numBlocks);
    for (size_t i = 0; i < numBlocks; ++i)
    {
        blocks[i].samples = storage.data() + i * blockSamples;
        spare.enqueue(&blocks[i]);
    }
    silence.assign(blockSamples, 0.0f);
}

LiveSpectrumVideo::~LiveSpectrumVideo()
{
    try
    {
        stop();
    }
    catch (...)
    {
    }
}

void LiveSpectrumVideo::start()
{
    if (started)
        return;
    started = true;
    thread = std::thread([this] { run(); });
    recorder.setAudioTap(this);
}

void LiveSpectrumVideo::stop()
{
    if (!started || stopped)
        return;
    stopped = true;
    recorder.setAudioTap(nullptr);
    // No callback runs any more (the caller's promise): this thread is now the tap's only producer.
    if (current != nullptr && current->numFrames > 0)
    {
        CAPSTAN_TSAN_RELEASE(current);
        filled.try_enqueue(current); // capacity == number of blocks: never fails
        current = nullptr;
    }
    stopRequested.store(true, std::memory_order_release);
    thread.join();
    if (failure)
        std::rethrow_exception(failure);
}

int64_t LiveSpectrumVideo::backlogFrames() const noexcept
{
    return std::max<int64_t>(0, tapped.load(std::memory_order_acquire) - drawnUpTo.load(std::memory_order_acquire));
}

// ---- audio thread ----

void LiveSpectrumVideo::tap(const float* const* channels, int channelCount, int numFrames) noexcept
{
    if (channels == nullptr || numFrames <= 0)
        return;
    int offset = 0;
    while (offset < numFrames)
    {
        if (current == nullptr)
        {
            if (!spare.try_dequeue(current))
            {
                // Drawing thread behind: the picture loses these frames, the audio recording does not.
                lost.fetch_add(numFrames - offset, std::memory_order_relaxed);
                clock += numFrames - offset;
                break;
            }
            CAPSTAN_TSAN_ACQUIRE(current);
            current->numFrames = 0;
            current->position = clock;
        }
        Block& block = *current;
        const int n = std::min(numFrames - offset, blockFrames - block.numFrames);
        float* destination = block.samples + size_t(block.numFrames) * size_t(numChannels);
        for (int c = 0; c < numChannels; ++c)
        {
            const float* source = c < channelCount ? channels[c] : nullptr;
            for (int i = 0; i < n; ++i)
                destination[size_t(i) * size_t(numChannels) + size_t(c)] =
                    source != nullptr ? source[offset + i] : 0.0f;
        }
        block.numFrames += n;
        clock += n;
        offset += n;
        if (block.numFrames == blockFrames)
        {
            CAPSTAN_TSAN_RELEASE(current);
            filled.try_enqueue(current); // capacity == number of blocks: never fails
            current = nullptr;
        }
    }
    tapped.store(clock, std::memory_order_release);
}

// ---- drawing thread ----

void LiveSpectrumVideo::pushFrame(int64_t frameIndex, std::span<const uint8_t> pixels)
{
    if (frameSink)
    {
        frameSink(pixels);
        pushed.fetch_add(1, std::memory_order_relaxed);
        return;
    }
    const int64_t position = SpectrumVisualizer::frameCentreSample(frameIndex, settings.sampleRate, settings.frameRate);
    for (int waited = 0;; ++waited)
    {
        if (recorder.pushVideoFrame(pixels.data(), pixels.size(), position))
        {
            pushed.fetch_add(1, std::memory_order_relaxed);
            return;
        }
        // Only a full queue is worth waiting for; this thread may wait, the audio thread never does.
        if (recorder.state() != Recorder::State::recording || recorder.freeVideoFrames() > 0 || waited >= maxPushWaitMs)
            break;
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    rejected.fetch_add(1, std::memory_order_relaxed);
}

void LiveSpectrumVideo::feed(std::span<const float> interleaved)
{
    visualizer.pushAudio(interleaved,
                         [this](int64_t frame, std::span<const uint8_t> pixels) { pushFrame(frame, pixels); });
}

void LiveSpectrumVideo::draw(const Block& block)
{
    // Lost audio before this block: silence in its place keeps every later frame at its time.
    for (int64_t gap = block.position - visualizer.samplesPushed(); gap > 0;)
    {
        const int64_t n = std::min<int64_t>(gap, blockFrames);
        feed({silence.data(), size_t(n) * size_t(numChannels)});
        gap -= n;
    }
    feed({block.samples, size_t(block.numFrames) * size_t(numChannels)});
    drawnUpTo.store(visualizer.samplesPushed(), std::memory_order_release);
}

void LiveSpectrumVideo::run()
{
    try
    {
        drawUntilStopped();
    }
    catch (...)
    {
        failure = std::current_exception(); // rethrown by stop(); the tap keeps counting losses meanwhile
    }
}

void LiveSpectrumVideo::drawUntilStopped()
{
    for (;;)
    {
        const bool finishing = stopRequested.load(std::memory_order_acquire);
        bool didWork = false;
        Block* block = nullptr;
        while (filled.try_dequeue(block))
        {
            CAPSTAN_TSAN_ACQUIRE(block);
            draw(*block);
            CAPSTAN_TSAN_RELEASE(block);
            spare.try_enqueue(block);
            didWork = true;
        }
        if (finishing)
            break; // everything queued before stop() was drained above
        if (!didWork)
            std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    // Audio lost at the very end, then every frame up to the tapped length.
    const int64_t total = tapped.load(std::memory_order_acquire);
    for (int64_t gap = total - visualizer.samplesPushed(); gap > 0;)
    {
        const int64_t n = std::min<int64_t>(gap, blockFrames);
        feed({silence.data(), size_t(n) * size_t(numChannels)});
        gap -= n;
    }
    visualizer.finish([this](int64_t frame, std::span<const uint8_t> pixels) { pushFrame(frame, pixels); });
    drawnUpTo.store(visualizer.samplesPushed(), std::memory_order_release);
}

} // namespace capstan
