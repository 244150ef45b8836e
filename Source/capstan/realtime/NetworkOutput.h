#pragma once

#include "RecorderConfig.h"
#include "RecorderStats.h"

#include <capstan/media/StreamWriter.h>

#include <readerwriterqueue/readerwriterqueue.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace capstan
{

/** A network output of the Recorder (rtmp://, srt://, udp://...) written by its own thread.

    The encoder thread hands it audio and video through a bounded queue of preallocated chunks and frames and never
    waits: when the queue is full (the server is slow or gone), the audio is not sent and counted for this output
    only. The network thread encodes, muxes and sends. When the connection fails it reports the error, waits
    (reconnectDelaySeconds, doubling up to reconnectMaxDelaySeconds) and connects again, at most
    reconnectAttempts times in a row (-1: forever). A new connection continues the recording's timeline: its
    timestamps start at the recording position where it resumed (output_ts_offset), not at 0. Audio that arrives
    while disconnected is not sent (counted). Every blocking network call is bounded by ioTimeoutSeconds, so close()
    returns in bounded time even when the server hangs. */
class NetworkOutput
{
public:
    NetworkOutput(const OutputSpec& spec, int sampleRate, int numChannels, const VideoSpec& video, bool withVideo,
                  OutputCounters& counters);
    ~NetworkOutput();

    NetworkOutput(const NetworkOutput&) = delete;
    NetworkOutput& operator=(const NetworkOutput&) = delete;

    /** Control thread: makes the first connection (throws capstan::Error naming the URL and FFmpeg's reason when
        the server cannot be reached) and starts the network thread. */
    void open();

    /** Encoder thread, never blocks: queues planar float audio at `timelinePosition` (silence: zeros). */
    void writeAudio(const float* const* planes, int64_t numFrames, bool silence, int64_t timelinePosition) noexcept;

    /** Encoder thread, never blocks: queues one frame at `timelineFrame` on the audio clock; false when the queue
        had no room (counted). */
    bool writeVideo(const uint8_t* frame, size_t numBytes, int64_t timelineFrame) noexcept;

    /** Sends what is queued (while connected), finalizes the stream and stops the thread. Bounded: a hung server
        is interrupted after about ioTimeoutSeconds. Safe to call twice. */
    void close();

    /** True once the output gave up (reconnect attempts used up). Any thread. */
    bool hasFailed() const noexcept { return gaveUp.load(std::memory_order_acquire); }
    /** Why it gave up; valid once hasFailed(). */
    std::string failure() const;

private:
    struct Item
    {
        bool video = false;
        bool silence = false;
        int slot = -1;
        int64_t position = 0; ///< timeline frame of the first sample / of the video frame
        int64_t numFrames = 0;
    };

    void run();
    void handle(const Item& item);
    bool connect(int64_t position);
    void disconnect(const std::string& reason);
    /** Publishes the writer's sample repairs; `retiring`: the writer is about to go, keep its counts. */
    void noteRepairs(bool retiring);
    void release(const Item& item);
    void notSent(const Item& item);
    void setState(OutputCounters::State state);
    float* audioSlot(int slot)
    {
        return audioStorage.data() + size_t(slot) * size_t(numChannels) * size_t(chunkFrames);
    }
    uint8_t* videoSlot(int slot) { return videoStorage.data() + size_t(slot) * videoFrameBytes; }
    std::unique_ptr<StreamWriter> makeWriter(int64_t position, int& audioStream, int& videoStream) const;

    OutputSpec spec;
    int sampleRate;
    int numChannels;
    VideoSpec video;
    bool withVideo;
    OutputCounters& counters;
    std::string displayUrl;

    // Preallocated storage: audio chunks (planar) and video frames, handed back and forth by index.
    int64_t chunkFrames = 1024;
    std::vector<float> audioStorage;
    std::vector<uint8_t> videoStorage;
    size_t videoFrameBytes = 0;
    moodycamel::ReaderWriterQueue<Item> queue;    ///< encoder thread -> network thread
    moodycamel::ReaderWriterQueue<int> freeAudio; ///< network thread -> encoder thread
    moodycamel::ReaderWriterQueue<int> freeVideo;
    int numAudioChunks = 0;

    // Network thread (and open() before it starts).
    std::mutex writerMutex; ///< guards swapping `writer` against interrupt() from close()
    std::unique_ptr<StreamWriter> writer;
    int audioStream = -1;
    int videoStream = -1;
    int64_t connectionStart = 0; ///< timeline frame where the current connection began
    int64_t nextAudio = 0;       ///< timeline frame the connection expects next
    int64_t lastVideoIndex = -1;
    int64_t closedBytes = 0;     ///< bytes of the connections before the current one
    SampleRepairs closedRepairs; ///< sample repairs of the connections before the current one (counts)
    int failedAttempts = 0;
    double currentDelay = 0;
    std::chrono::steady_clock::time_point nextAttempt{};
    std::chrono::steady_clock::time_point lastFlush{};
    std::vector<const float*> planeScratch;

    std::thread thread;
    std::atomic<bool> closing{false};
    std::atomic<bool> finished{false};
    std::atomic<bool> gaveUp{false};
    std::atomic<int64_t> queuedFrames{0};
    bool closed = false;
    mutable std::mutex failureMutex;
    std::string failureText;
};

} // namespace capstan
