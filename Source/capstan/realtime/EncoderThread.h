#pragma once

#include "AudioBlock.h"
#include "BlockPool.h"
#include "OutputWorker.h"
#include "RecorderConfig.h"
#include "RecorderStats.h"
#include "SegmentedOutput.h"
#include "SignalMonitor.h"
#include "VideoFrameSlot.h"

#include <readerwriterqueue/readerwriterqueue.h>

#include <array>
#include <atomic>
#include <chrono>
#include <memory>
#include <thread>
#include <vector>

namespace capstan
{

/** What the Recorder shares with its encoder thread. Everything here is created before the thread starts. */
struct EncoderContext
{
    const RecorderConfig* config = nullptr;
    BlockPool* pool = nullptr;
    moodycamel::ReaderWriterQueue<AudioBlock*>* audioQueue = nullptr;
    moodycamel::ReaderWriterQueue<VideoFrameSlot*>* videoQueue = nullptr; ///< null without video
    moodycamel::ReaderWriterQueue<VideoFrameSlot*>* videoFree = nullptr;
    RecorderStats* stats = nullptr;
    std::vector<std::unique_ptr<SegmentedOutput>>* outputs = nullptr;

    std::atomic<bool> started{false};         ///< start() opened the outputs
    std::atomic<int64_t> recordStart{-1};     ///< audio clock where recording began (latched by the audio thread)
    std::atomic<int64_t> requestedOrigin{-1}; ///< start(fromPosition): first sample to write; -1: pre-roll rule
    std::atomic<int64_t> finalPosition{-1};   ///< audio clock at stop()
    std::atomic<bool> stopRequested{false};   ///< set after everything to drain is queued
    std::atomic<bool> stalledForTesting{false};
    /** Per output (by index, < RecorderStats::maxOutputs): while true its worker takes nothing (a slow output). */
    std::array<std::atomic<bool>, RecorderStats::maxOutputs> outputStalledForTesting{};
    /** Pool blocks one output's worker may hold beyond what the fastest output holds; past it that output drops audio
        of its own (silence, counted). */
    int blocksPerOutput = 1 << 30;
};

/** The recording's one timeline: drains the audio (and video) queue, keeps the pre-roll ring while armed, decides
    every drop (gaps the audio thread left, and outputs that fell too far behind) and fans the blocks out to one
    OutputWorker per output, which encode and write in parallel. Blocks are shared read-only; this thread alone gives
    them back to the pool, once every worker has handed them back. It also measures the signal, watches the disk and
    finalizes on stop. It never blocks the audio thread: it wakes by polling its queues every `pollInterval`.

    Drops land at the same timeline positions in every output: a gap in the audio clock becomes silence for all.
    An output whose worker holds blocksPerOutput (queueSeconds of audio) more blocks than the fastest output's loses the
    next blocks itself, until it has written half of what it holds: they are written to it as silence (listed in its
    sidecar and chapters, counted in its framesNotSent), while the others get every sample. */
class EncoderThread
{
public:
    explicit EncoderThread(EncoderContext& context);
    ~EncoderThread();

    void start();
    /** Waits until the thread has drained, finalized and exited (after stopRequested was set). */
    void join();

    /** Any thread (approximate): the most pool blocks one local output has queued and not yet written. */
    int mostHeldBlocks() const noexcept;

private:
    void run();
    void process(AudioBlock& block);
    void addToPreRoll(const AudioBlock& block);
    void begin(int64_t startPosition);
    /** The next `numFrames` of the timeline to every output: planar, channel c at first + c * stride; `block` is the
        pool block they are in (null for the pre-roll ring). */
    void sendAudio(const float* first, int64_t stride, AudioBlock* block, int64_t numFrames);
    void writeSilence(int64_t numFrames);
    void advance(int64_t numFrames, bool silence);
    bool submitTo(size_t worker, const WorkItem& item);
    int leastHeldBlocks() const noexcept;
    void updateBehind(OutputWorker& worker, int leastHeld) const noexcept;
    void flushLag(size_t worker);
    bool collectReturned();
    void finishFrame(VideoFrameSlot* frame);
    void wakeWorkers();
    bool processVideo(bool finishing);
    void housekeeping(bool force);
    void finish();

    EncoderContext& ctx;
    std::thread thread;
    int numChannels;
    int sampleRate;

    // pre-roll ring (frames [ringEnd - ringCount, ringEnd) of the audio clock), planar
    int64_t preRollCapacity = 0;
    std::vector<float> ring;
    int64_t ringEnd = 0;
    int64_t ringCount = 0;
    std::vector<DropInterval> ringDrops; ///< absolute clock positions of zeros in the ring

    bool begun = false;
    int64_t origin = 0;     ///< audio clock of the recording's first sample (pre-roll included)
    int64_t nextPos = 0;    ///< audio clock of the next sample to write
    SignalMonitor monitor;  ///< what goes into the files: levels, clipping, silence
    int64_t clockTaken = 0; ///< audio clock up to which blocks were taken off the queue
    std::vector<std::unique_ptr<OutputWorker>> workers;
    std::vector<bool> submitted; ///< per worker: items queued since the last wake
    std::vector<const float*> planeScratch;
    std::chrono::steady_clock::time_point lastDiskCheck;
};

} // namespace capstan
