#pragma once

#include "AudioBlock.h"
#include "AudioTap.h"
#include "BlockPool.h"
#include "EncoderThread.h"
#include "RecorderConfig.h"
#include "RecorderStats.h"
#include "SegmentedOutput.h"
#include "VideoFrameSlot.h"

#include <readerwriterqueue/readerwriterqueue.h>

#include <atomic>
#include <memory>
#include <string>
#include <vector>

namespace capstan
{

/** The real-time recorder: the audio thread hands planar float blocks to an encoder thread, which shares them with
    one worker thread per output, so several outputs encode in parallel and a slow one holds up nobody else.

    Threads and their calls:
    - control thread: arm(), start(), stop(), stats(), files(), errors();
    - audio thread (one at a time): pushAudio() — wait-free: no allocation, no lock, no syscall, no exception;
    - video producer thread (one at a time): pushVideoFrame() — the same guarantees;
    - stats() from any thread, without locks.

    @code
    capstan::Recorder recorder({.sampleRate = 48000, .numChannels = 2,
                                .outputs = {{.path = "take.flac", .encoder = "flac"}, {.path = "take.mp3"}}});
    recorder.start();                          // allocates everything, opens the files
    // audio callback: recorder.pushAudio(channels, 2, numFrames);
    recorder.stop();                           // drains, finalizes
    @endcode */
class Recorder
{
public:
    enum class State
    {
        idle,
        armed, ///< pool allocated, encoder thread running, pre-roll collecting
        recording,
        stopping,
        stopped
    };

    /** Validates the configuration; throws capstan::Error naming the bad field and what is accepted. */
    explicit Recorder(RecorderConfig config);
    /** Stops (and finalizes) a recording still running. */
    ~Recorder();

    Recorder(const Recorder&) = delete;
    Recorder& operator=(const Recorder&) = delete;

    /** Allocates the block pool and queues and starts the encoder thread. Pre-roll is kept from here on. */
    void arm();

    /** Opens every output (throws capstan::Error if one cannot be opened; none is then left open, and the files and
        sidecars the others created in this call are removed) and records
        from the next audio callback on, pre-roll first. Arms first if needed. */
    void start();

    /** Like start(), but the recording begins exactly at `fromPosition` on the audio sample clock (the frames
        pushAudio() has taken since arm(), see stats().framesPushed). A control thread acting on something the audio
        thread saw at a known sample (a plugin's Record parameter, a host's punch-in) thus starts sample-exact however
        late it runs. A past position comes from the pre-roll ring, so preRollSeconds must cover the delay (older
        frames are gone and the recording then begins at the ring's oldest frame); a future position discards the
        audio before it. No pre-roll is added beyond `fromPosition`. Throws capstan::Error for a negative position. */
    void start(int64_t fromPosition);

    /** Control thread, before start(): writes output `index` to another file path (same format; not a URL). A
        product that keeps a recorder armed for pre-roll names the take when it starts, not when it armed (the
        session layer's TakeRecorder). Throws capstan::Error once started, for an index out of range, or for a URL. */
    void setOutputPath(size_t index, const std::string& path);

    /** Stops taking audio, waits for a callback in progress to finish, lets the encoder thread drain everything
        and finalize the files, and returns when they are closed. Write errors do not throw: see stats() and
        errors(). Never call it from the audio thread. */
    void stop();

    /** Audio thread. Copies the samples into pool blocks and hands full blocks to the encoder thread. With no
        free block (encoder behind for longer than queueSeconds) the samples are dropped, counted and later written
        as silence. `numChannels` other than the configured count: missing channels are zero, extra ones ignored
        (and counted as a mismatch). */
    void pushAudio(const float* const* channels, int numChannels, int numFrames) noexcept;

    /** Video producer thread: one tightly packed frame in the configured pixel format and size, stamped with the
        audio sample clock. False (and counted) when the queue is full, the size is wrong, or not recording. */
    bool pushVideoFrame(const uint8_t* data, size_t numBytes) noexcept;

    /** The same, for a frame whose time the producer knows: `samplePosition` on the audio sample clock (the count of
        frames pushAudio() has taken since arm(), the clock that stats().framesPushed reads). A producer that draws
        from the audio (a visualizer) delivers its frames late, so the push time would misplace them. In each file
        the frame gets index llround((samplePosition - segment start) * frameRate / sampleRate), hence at
        fps < sampleRate / 2 the frame whose time is i / fps, pushed at floor(i * sampleRate / fps) from the
        recording's first sample, lands at exactly pts i / fps. Positions must increase (a frame at or before the
        previous index is dropped); a frame ahead of the audio waits in the queue until that audio is written.
        False (and counted) as above, or for a negative position. */
    bool pushVideoFrame(const uint8_t* data, size_t numBytes, int64_t samplePosition) noexcept;

    /** Control thread, before arm() (and before any audio thread runs): an observer that pushAudio() passes every
        callback's audio to, on the audio thread, while armed or recording, so its frame count follows the audio
        sample clock (see AudioTap). Null removes it. Used by LiveSpectrumVideo. */
    void setAudioTap(AudioTap* tap) noexcept { audioTap.store(tap, std::memory_order_release); }

    /** The audio sample clock (frames pushAudio() has taken since arm()), cheap and lock-free from any thread: what a
        video source maps its frames' capture times onto. */
    int64_t clockPosition() const noexcept { return recorderStats.framesPushed.load(std::memory_order_acquire); }
    /** Where a video source reports what it captured, duplicated, skipped and what the encoder refused; included in
        stats() and in the sidecars of outputs with video. Written by the source's own thread. */
    VideoSourceStats& videoSourceStats() noexcept { return recorderStats.videoSource; }

    State state() const noexcept { return currentState.load(std::memory_order_acquire); }
    RecorderStats::Snapshot stats() const { return recorderStats.snapshot(); }
    /** Files written (every segment of every output, in order); complete after stop(). */
    std::vector<std::string> files() const;
    /** One message per failed output; complete after stop(). */
    std::vector<std::string> errors() const;
    const RecorderConfig& config() const noexcept { return cfg; }

    /** Free pool blocks (approximate, any thread). */
    int freeBlocks() const noexcept { return pool ? pool->numFree() : 0; }
    int totalBlocks() const noexcept { return pool ? pool->numBlocks() : 0; }
    /** Blocks that can still be handed over before anything is dropped (approximate, any thread): the free pool
        blocks, or fewer when an output is close to its own limit. Lets a driver pace itself "as fast as the slowest
        output keeps up". */
    int headroomBlocks() const noexcept;
    /** Pool blocks one output may fall behind the fastest before it loses audio of its own (the whole pool with one
        local output). */
    int blocksPerOutput() const noexcept { return pool ? context.blocksPerOutput : 0; }
    /** Video frames the producer may still push before the queue is full (approximate). */
    int freeVideoFrames() const noexcept { return videoFree ? int(videoFree->size_approx()) : 0; }

    /** Test hook: while true the encoder thread takes nothing from the queues (simulates a stalled disk). */
    void setEncoderStalledForTesting(bool stalled) noexcept;
    /** Test hook: while true output `index`'s worker takes nothing (a slow disk, encoder or server for that output
        only). Any time, also before arm(); stop() ends it. */
    void setOutputStalledForTesting(size_t index, bool stalled) noexcept;

private:
    bool pushVideo(const uint8_t* data, size_t numBytes, int64_t samplePosition) noexcept;
    void enqueueCurrent() noexcept;
    void noteDrop(int64_t position, int64_t numFrames) noexcept;
    void waitForPushers() const;
    static int queueFill(const void* queue);

    RecorderConfig cfg;
    std::atomic<State> currentState{State::idle};
    std::atomic<int> activePushers{0};
    std::atomic<int> activeVideoPushers{0};
    std::atomic<AudioTap*> audioTap{nullptr};
    RecorderStats recorderStats;

    std::unique_ptr<BlockPool> pool;
    std::unique_ptr<moodycamel::ReaderWriterQueue<AudioBlock*>> audioQueue;
    std::unique_ptr<uint8_t[]> videoStorage;
    std::vector<VideoFrameSlot> videoFrames;
    std::unique_ptr<moodycamel::ReaderWriterQueue<VideoFrameSlot*>> videoQueue;
    std::unique_ptr<moodycamel::ReaderWriterQueue<VideoFrameSlot*>> videoFree;
    size_t videoFrameBytes = 0;
    std::vector<std::unique_ptr<SegmentedOutput>> outputs;
    EncoderContext context;
    std::unique_ptr<EncoderThread> encoder;

    // Audio-thread state: touched only by the pushing thread (or by stop() once no push is in progress).
    struct AudioSide
    {
        AudioBlock* current = nullptr;
        int64_t clock = 0;
        bool recording = false;
        int64_t lastDropEnd = -1;
    } audio;
};

} // namespace capstan
