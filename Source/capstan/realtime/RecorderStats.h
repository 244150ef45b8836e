#pragma once

#include <array>
#include <atomic>
#include <cstdint>
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

    /** Encoder thread: appends a drop interval (write-once slots, published by the count). */
    void addDrop(DropInterval interval) noexcept;
    /** Encoder thread: keeps the first error message (write-once). */
    void setError(const std::string& message) noexcept;

    /** Set by the Recorder before any thread starts: reads the live queue fill for snapshots. */
    const void* fillSource = nullptr;
    int (*fillReader)(const void*) = nullptr;

private:
    std::array<std::atomic<int64_t>, 2 * maxListedDrops> dropSlots{};
    std::atomic<int64_t> dropIntervalCount{0};
    std::array<char, 512> errorText{};
    std::atomic<bool> hasError{false};
};

} // namespace capstan
