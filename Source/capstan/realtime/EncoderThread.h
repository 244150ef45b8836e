#pragma once

#include "AudioBlock.h"
#include "BlockPool.h"
#include "RecorderConfig.h"
#include "RecorderStats.h"
#include "SegmentedOutput.h"
#include "SignalMonitor.h"
#include "VideoFrameSlot.h"

#include <readerwriterqueue/readerwriterqueue.h>

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
};

/** Drains the audio (and video) queue into every output, keeps the pre-roll ring while armed, fills drops with
    silence at their exact positions, flushes periodically for crash safety, watches the disk, and finalizes on
    stop. It never blocks the audio thread: it wakes by polling both queues every `pollInterval`. */
class EncoderThread
{
public:
    explicit EncoderThread(EncoderContext& context);
    ~EncoderThread();

    void start();
    /** Waits until the thread has drained, finalized and exited (after stopRequested was set). */
    void join();

private:
    void run();
    void process(AudioBlock& block);
    void addToPreRoll(const AudioBlock& block);
    void begin(int64_t startPosition);
    void writeTimeline(const float* const* planes, int64_t numFrames, bool silence);
    void writeSilence(int64_t numFrames);
    bool processVideo(bool finishing);
    void housekeeping(bool force);
    void finish();
    void publishErrors();

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
    int64_t origin = 0;    ///< audio clock of the recording's first sample (pre-roll included)
    int64_t nextPos = 0;   ///< audio clock of the next sample to write
    SignalMonitor monitor; ///< what goes into the files: levels, clipping, silence
    std::vector<bool> errorReported;
    std::vector<const float*> planeScratch;
    std::chrono::steady_clock::time_point lastFlush, lastDiskCheck;
};

} // namespace capstan
