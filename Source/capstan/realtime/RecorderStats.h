#pragma once

#include "SignalStats.h"
#include "VideoSourceStats.h"

#include <array>
#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

namespace capstan
{

/** A lost interval on the recording's timeline (sample index in the recording, pre-roll included). */
struct DropInterval
{
    int64_t position = 0;
    int64_t numFrames = 0;
    friend bool operator==(const DropInterval&, const DropInterval&) = default;
};

/** One output's live state, written by the thread that writes the output (its OutputWorker, or a network output's own
    thread; framesNotSent, videoFramesNotSent and a file output's backlogFrames by the encoder thread, which decides
    what an output that fell behind loses) and read by snapshots from any thread. */
class OutputCounters
{
public:
    enum class State
    {
        idle,       ///< not opened yet
        writing,    ///< a local file or device, writing
        connecting, ///< a network output opening its first connection
        connected,  ///< a network output streaming
        retrying,   ///< a network output that lost its connection and waits to reconnect
        failed,     ///< gave up (a local write error, or reconnect attempts used up)
        closed      ///< finalized
    };
    static const char* name(State state);

    struct Snapshot
    {
        std::string destination; ///< path, or URL with an rtmp stream key masked
        bool network = false;
        State state = State::idle;
        int64_t framesWritten = 0; ///< timeline frames handed to this output's encoder
        int64_t framesNotSent = 0; ///< audio this output lost: it fell behind (silence), or its server was gone
        double secondsNotSent = 0;
        int64_t videoFramesNotSent = 0;
        int64_t disconnects = 0;      ///< connections lost (network)
        int64_t reconnects = 0;       ///< connections re-established (network)
        double backlogSeconds = 0;    ///< audio waiting in the output's queue (its worker's or network thread's)
        double resumedAtSeconds = -1; ///< timeline position of the last reconnection, -1 none
        int64_t bytesWritten = 0;
        int64_t nonFiniteSamples = 0;   ///< NaN/Inf samples this output wrote as silence
        int64_t clippedSamples = 0;     ///< absurd magnitudes (beyond +60 dBFS) this output clipped
        int64_t repairIntervals = 0;    ///< runs of repaired frames (each listed in the sidecar)
        double firstRepairSeconds = -1; ///< timeline position of the first repair, -1 none
        bool destinationExists = true;  ///< false once the file (or its folder) vanished while recording
        std::string lastError;          ///< the most recent failure, empty when none
        const char* stateName() const { return name(state); }
        std::string toJson(int sampleRate) const;
    };

    Snapshot snapshot(int sampleRate) const;

    // Single writer each (the thread that writes the output); relaxed.
    std::atomic<State> state{State::idle};
    std::atomic<int64_t> framesWritten{0};
    std::atomic<int64_t> framesNotSent{0};
    std::atomic<int64_t> videoFramesNotSent{0};
    std::atomic<int64_t> disconnects{0};
    std::atomic<int64_t> reconnects{0};
    std::atomic<int64_t> backlogFrames{0};
    std::atomic<int64_t> resumedAtFrame{-1};
    std::atomic<int64_t> bytesWritten{0};
    std::atomic<int64_t> nonFiniteSamples{0};
    std::atomic<int64_t> clippedSamples{0};
    std::atomic<int64_t> repairIntervals{0};
    std::atomic<int64_t> firstRepairFrame{-1};
    std::atomic<bool> destinationExists{true};

    /** Control thread, before the output is written. */
    void describe(const std::string& destination, bool network);
    /** Writer thread (never the audio thread): may allocate and lock. */
    void setLastError(const std::string& message);

private:
    mutable std::mutex textMutex; ///< guards the strings; never taken by the audio thread
    std::string destinationText;
    bool isNetwork = false;
    std::string lastErrorText;
};

/** Live recorder counters. Every field is an atomic with a single writer (the audio thread or the encoder
    thread), so snapshot() works from any thread without locks. */
class RecorderStats
{
public:
    static constexpr int maxListedDrops = 64; ///< drop intervals kept in the lock-free list (all go to the sidecar)

    struct Snapshot
    {
        int sampleRate = 0;
        // audio thread
        int64_t callbacks = 0;     ///< pushAudio calls that carried audio
        int64_t framesPushed = 0;  ///< the audio sample clock
        int64_t droppedFrames = 0; ///< frames the audio thread could not hand over
        int64_t dropCount = 0;     ///< contiguous dropped intervals seen by the audio thread
        int64_t channelMismatches = 0;
        int queueFill = 0; ///< blocks waiting for the encoder thread
        int queueHighWater = 0;
        int queueCapacity = 0;
        // encoder thread
        int64_t blocksWritten = 0;
        int64_t framesWritten = 0;        ///< timeline frames written to the outputs, silence included
        int64_t silenceFrames = 0;        ///< frames written as silence in place of drops
        std::vector<DropInterval> drops;  ///< first maxListedDrops intervals on the timeline
        int64_t dropIntervals = 0;        ///< intervals the encoder thread filled with silence
        double encoderLagSeconds = 0;     ///< audio pushed but not yet written
        int64_t bytesWritten = 0;         ///< all outputs, all segments
        int64_t diskFreeBytes = -1;       ///< on the first output's file system, -1 unknown
        double secondsUntilDiskFull = -1; ///< at the current byte rate, -1 unknown
        int64_t writeErrors = 0;
        std::string firstError; ///< empty when no error
        int64_t segments = 0;
        int64_t videoFramesWritten = 0;
        int64_t videoFramesDropped = 0;
        int64_t nonFiniteSamples = 0; ///< the most any output repaired (they all see the same samples)
        int64_t clippedSamples = 0;
        double firstRepairSeconds = -1;
        std::vector<OutputCounters::Snapshot> outputs; ///< one per output, in configuration order
        VideoSourceStats::Snapshot videoSource;        ///< the video source's capture counters (active: one attached)
        // What is written, measured on the encoder thread (SignalMonitor). Not the repairs above: a sample at full
        // scale is kept as it is; these count what the listener hears as clipping.
        std::vector<float> peaks;      ///< per channel, linear, over the last 0.1-0.2 s written (a meter)
        float maxPeak = 0;             ///< the loudest sample written so far, any channel (linear)
        int64_t fullScaleSamples = 0;  ///< samples at or beyond full scale (|x| >= 1.0)
        int64_t silenceWarnings = 0;   ///< runs of digital silence or a constant value that reached the threshold
        double silentSeconds = 0;      ///< the current run of silence or constant value (0: the signal moves)
        std::string signalWarning;     ///< the warning while it holds, e.g. "no signal: 5.0 s of digital silence
                                       ///< from 0:00:03"; empty once the signal moves again
        std::string lastSignalWarning; ///< the latest warning with its final length, kept after the signal returns
        double peakDbfs() const;       ///< the loudest channel of `peaks` in dBFS, -inf for silence

        double secondsPushed() const { return sampleRate > 0 ? double(framesPushed) / sampleRate : 0.0; }
        /** One line of JSON with every field. */
        std::string toJson() const;
    };

    Snapshot snapshot() const;

    // Writers (relaxed stores from their single owning thread).
    std::atomic<int> sampleRate{0};
    std::atomic<int64_t> callbacks{0};
    std::atomic<int64_t> framesPushed{0};
    std::atomic<int64_t> droppedFrames{0};
    std::atomic<int64_t> dropCount{0};
    std::atomic<int64_t> channelMismatches{0};
    std::atomic<int> queueHighWater{0};
    std::atomic<int> queueCapacity{0};
    std::atomic<int64_t> blocksWritten{0};
    std::atomic<int64_t> framesWritten{0};
    std::atomic<int64_t> silenceFrames{0};
    std::atomic<int64_t> clockConsumed{0}; ///< audio clock up to which the encoder thread has taken blocks
    std::atomic<int64_t> bytesWritten{0};
    std::atomic<int64_t> diskFreeBytes{-1};
    std::atomic<double> secondsUntilDiskFull{-1.0};
    std::atomic<int64_t> writeErrors{0};
    std::atomic<int64_t> segments{0};
    std::atomic<int64_t> videoFramesWritten{0};
    std::atomic<int64_t> videoFramesDropped{0};
    SignalStats signal;           ///< written by the encoder thread's SignalMonitor
    VideoSourceStats videoSource; ///< written by the video source's capture thread, when there is one

    /** Encoder thread: appends a drop interval (write-once slots, published by the count). */
    void addDrop(DropInterval interval) noexcept;
    /** Output workers: keeps the first error message (write-once, any number of writers). */
    void setError(const std::string& message) noexcept;

    static constexpr int maxOutputs = 16; ///< outputs with their own counters (the rest share none)
    /** The counters of output `index` (0-based, < maxOutputs); counts it in snapshots. Before any thread starts. */
    OutputCounters& output(int index);

    /** Set by the Recorder before any thread starts: reads the live queue fill for snapshots. */
    const void* fillSource = nullptr;
    int (*fillReader)(const void*) = nullptr;

private:
    std::array<std::atomic<int64_t>, 2 * maxListedDrops> dropSlots{};
    std::atomic<int64_t> dropIntervalCount{0};
    std::array<char, 512> errorText{};
    std::atomic<bool> hasError{false};
    std::atomic<bool> errorClaimed{false};
    std::array<OutputCounters, maxOutputs> outputCounters;
    std::atomic<int> numOutputs{0};
};

} // namespace capstan
