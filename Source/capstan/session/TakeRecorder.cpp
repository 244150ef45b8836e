#include "TakeRecorder.h"

#include "TakeNamer.h"
#include "TakeVideo.h"

#include <capstan/media/Error.h>
#include <capstan/realtime/Recorder.h>
#include <capstan/realtime/TsanAnnotations.h>

#include <readerwriterqueue/readerwriterqueue.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <deque>
#include <filesystem>
#include <mutex>
#include <thread>

namespace capstan
{

namespace
{
/** Pre-roll kept beyond the user's, so that Recorder::start(fromPosition) still reaches the block where `record`
    turned on however late the worker opens the files. */
constexpr double preRollSlackSeconds = 4.0;
constexpr size_t eventQueueSize = 1024;
constexpr size_t armedQueueSize = 16;
constexpr int maxPendingEvents = 16;
constexpr auto workerPoll = std::chrono::milliseconds(2);
constexpr auto armRetryInterval = std::chrono::seconds(1);

/** Removes the empty files TakeNamer reserved for a take that never started. */
void removeReserved(const std::vector<std::string>& paths)
{
    for (const auto& path : paths)
    {
        std::error_code error;
        if (std::filesystem::exists(path, error) && std::filesystem::file_size(path, error) == 0)
            std::filesystem::remove(path, error);
    }
}
} // namespace

struct TakeRecorder::Impl
{
    /** One Recorder (plus its picture for the video formats): armed, then a take, then closed. Created and
        destroyed by the worker/closer threads; lent to the audio thread through armedQueue and given back through
        events, so that the audio thread only ever holds a slot nobody else will delete. */
    struct Slot
    {
        TakeSettings settings;
        uint64_t generation = 0;
        uint64_t id = 0; ///< unique for the TakeRecorder's life (an address may be reused by the next slot)
        int64_t preRollFrames = 0;
        std::unique_ptr<Recorder> recorder;
        std::unique_ptr<TakeVideo> video; ///< destroyed before the recorder it feeds
        std::vector<std::string> paths;   ///< reserved at the start of the take

        // Worker -> status()
        std::atomic<bool> started{false};
        std::atomic<bool> startFailed{false};

        // Audio thread only (while it holds the slot)
        int64_t pushed = 0; ///< frames pushed into the recorder: its audio sample clock
        // Audio thread -> status()
        std::atomic<int64_t> takeFrames{0}; ///< pre-roll + recorded frames of the take
    };

    struct Event
    {
        enum class Type
        {
            start,  ///< slot becomes the take, from `position` on its recorder's clock
            stop,   ///< the take ended with the last block pushed
            discard ///< an armed slot the audio thread no longer needs (newer settings, release)
        };
        Type type = Type::start;
        Slot* slot = nullptr;
        int64_t position = 0;
        int64_t lateFrames = 0; ///< start: frames after `record` turned on that no armed recorder took
    };

    // ---- stream (set by prepare(), read-only while prepared) ----
    int sampleRate = 0;
    int numChannels = 0;
    int maxBlockFrames = 0;
    std::atomic<bool> prepared{false};

    std::unique_ptr<moodycamel::ReaderWriterQueue<Slot*>> armedQueue; ///< worker -> audio; nullptr: "give it back"
    std::unique_ptr<moodycamel::ReaderWriterQueue<Event>> events;     ///< audio -> worker

    // ---- audio thread ----
    struct AudioSide
    {
        Slot* armed = nullptr;
        Slot* recording = nullptr;
        bool takeWanted = false;
        int64_t clock = 0;
        int64_t takeStartClock = 0;
        Event pending[maxPendingEvents];
        int numPending = 0;
    } audio;
    std::atomic<bool> audioInTake{false};
    std::atomic<uint64_t> audioArmedGeneration{0}; ///< generation of the armed slot the audio thread holds, 0: none

    // ---- worker ----
    std::thread worker;
    TakeNamer namer;
    std::vector<Slot*> outstandingArmed; ///< lent to the audio thread, not yet given back
    uint64_t failedArmGeneration = 0;
    uint64_t recalledGeneration = 0; ///< the armed slot was asked back to free an exclusive video source
    std::chrono::steady_clock::time_point lastArmFailure;

    // ---- closer ----
    std::thread closer;
    std::deque<std::pair<Slot*, bool>> toClose; ///< slot, whether it was a take (guarded by mutex)

    // ---- shared, guarded by mutex (never touched by the audio thread) ----
    mutable std::mutex mutex;
    std::condition_variable wake;
    bool quitWorker = false;
    bool quitCloser = false;
    TakeSettings settings;
    uint64_t generation = 1;
    std::string trackName;
    std::vector<std::unique_ptr<Slot>> slots;
    Slot* currentTake = nullptr;
    bool armedAvailable = false;
    bool lastFailed = false;
    bool armFailed = false;
    int closing = 0;
    Status published;
    bool previewWanted = false;
    uint64_t previewSlot = 0; ///< the id of the slot whose picture the preview showed last
    int64_t previewSequence = 0;
    std::atomic<uint64_t> slotsMade{0};
    RecorderStats::Snapshot lastStats;
    double lastElapsed = 0;

    // ---------------------------------------------------------------------------------------------------------
    // audio thread

    bool send(const Event& event) noexcept
    {
        CAPSTAN_TSAN_RELEASE(event.slot);
        if (audio.numPending == 0 && events->try_enqueue(event))
            return true;
        if (audio.numPending < maxPendingEvents)
        {
            audio.pending[audio.numPending++] = event;
            return true;
        }
        return false; // the worker has been stuck for a long time: the slot is reclaimed at release()
    }

    void flushPending() noexcept
    {
        int sent = 0;
        while (sent < audio.numPending && events->try_enqueue(audio.pending[sent]))
            ++sent;
        if (sent > 0)
        {
            std::move(audio.pending + sent, audio.pending + audio.numPending, audio.pending);
            audio.numPending -= sent;
        }
    }

    static void push(Slot& slot, const float* const* channels, int numChannels, int numFrames) noexcept
    {
        slot.recorder->pushAudio(channels, numChannels, numFrames);
        slot.pushed += numFrames;
    }

    void process(const float* const* channels, int channelCount, int numFrames, bool record, bool paused) noexcept
    {
        if (!prepared.load(std::memory_order_acquire) || numFrames <= 0 || channels == nullptr)
            return;
        if (audio.numPending > 0)
            flushPending();

        Slot* fresh = nullptr;
        while (armedQueue->try_dequeue(fresh))
        {
            CAPSTAN_TSAN_ACQUIRE(fresh);
            if (audio.armed != nullptr)
                send({Event::Type::discard, audio.armed, 0, 0});
            audio.armed = fresh; // null when the worker took the armed recorder back (settings now unusable)
            audioArmedGeneration.store(fresh != nullptr ? fresh->generation : 0, std::memory_order_release);
        }

        if (!record && audio.takeWanted)
        {
            // The take ends after the previous block: this recorder gets nothing more.
            if (audio.recording != nullptr)
                send({Event::Type::stop, audio.recording, 0, 0});
            audio.recording = nullptr;
            audio.takeWanted = false;
            audioInTake.store(false, std::memory_order_release);
        }
        if (record && !audio.takeWanted)
        {
            audio.takeWanted = true;
            audio.takeStartClock = audio.clock;
            audioInTake.store(true, std::memory_order_release);
        }
        if (audio.takeWanted && audio.recording == nullptr && audio.armed != nullptr)
        {
            Slot* slot = audio.armed;
            // The take begins at takeStartClock minus the pre-roll; the slot's clock began (clock - pushed) ago.
            const int64_t wanted = audio.takeStartClock - slot->preRollFrames;
            const int64_t from = std::max<int64_t>(0, wanted - (audio.clock - slot->pushed));
            // Normally 0; more when `record` came on while no recorder was armed (a take shorter than arming).
            const int64_t late = std::max<int64_t>(0, (audio.clock - slot->pushed) - audio.takeStartClock);
            if (send({Event::Type::start, slot, from, late}))
            {
                audio.armed = nullptr;
                audioArmedGeneration.store(0, std::memory_order_release);
                audio.recording = slot;
                slot->takeFrames.store(slot->pushed - from, std::memory_order_relaxed);
            }
        }

        if (audio.armed != nullptr)
            push(*audio.armed, channels, channelCount, numFrames);
        if (audio.recording != nullptr && !paused)
        {
            push(*audio.recording, channels, channelCount, numFrames);
            audio.recording->takeFrames.store(audio.recording->takeFrames.load(std::memory_order_relaxed) + numFrames,
                                              std::memory_order_relaxed);
        }
        audio.clock += numFrames;
    }

    // ---------------------------------------------------------------------------------------------------------
    // worker thread

    std::unique_ptr<Slot> makeSlot(const TakeSettings& take, uint64_t takeGeneration)
    {
        if (!(take.preRollSeconds >= 0.0) || take.preRollSeconds > 60.0)
            throw Error("pre-roll " + std::to_string(take.preRollSeconds) +
                        " s is out of range (accepted: 0..60 seconds)");
        auto slot = std::make_unique<Slot>();
        slot->settings = take;
        slot->generation = takeGeneration;
        slot->id = ++slotsMade;
        slot->preRollFrames = std::llround(take.preRollSeconds * sampleRate);

        RecorderConfig config;
        config.sampleRate = sampleRate;
        config.numChannels = numChannels;
        config.blockFrames = 1024;
        config.queueSeconds = std::max(2.0, 4.0 * maxBlockFrames / sampleRate);
        config.preRollSeconds = take.preRollSeconds + preRollSlackSeconds;
        bool anyVideo = false;
        for (const auto format : TakeNamer::formatsOf(take))
        {
            // A placeholder path with the format's extension: the take's name is set when it starts.
            config.outputs.push_back(makeOutputSpec(format, take.bitrateKbps,
                                                    "capstan-take-not-started" + recordingFormatExtension(format)));
            anyVideo = anyVideo || hasVideo(format);
        }
        std::unique_ptr<TakeVideo> video;
        if (anyVideo)
            video = std::make_unique<TakeVideo>(take, config); // opens a video source: its errors say what exists
        slot->recorder = std::make_unique<Recorder>(config);
        if (video)
        {
            {
                std::lock_guard lock(mutex);
                video->setPreviewEnabled(previewWanted);
            }
            video->attach(*slot->recorder);
            slot->video = std::move(video);
        }
        slot->recorder->arm();
        if (slot->video)
            slot->video->start();
        return slot;
    }

    /** Keeps one armed slot with the current settings lent to the audio thread. */
    void maintainArmed()
    {
        uint64_t takeGeneration = 0;
        {
            std::lock_guard lock(mutex);
            takeGeneration = generation;
        }
        for (Slot* slot : outstandingArmed)
            if (slot->generation == takeGeneration)
                return;
        // Settings changing while no audio runs: the audio thread picks up only the newest; wait for it.
        if (outstandingArmed.size() >= 4)
            return;
        if (failedArmGeneration == takeGeneration &&
            std::chrono::steady_clock::now() - lastArmFailure < armRetryInterval)
            return;
        TakeSettings take;
        {
            std::lock_guard lock(mutex);
            take = settings;
            takeGeneration = generation;
        }
        if (exclusiveSourceBusy(take, takeGeneration))
            return;
        try
        {
            auto slot = makeSlot(take, takeGeneration);
            Slot* raw = slot.get();
            {
                std::lock_guard lock(mutex);
                slots.push_back(std::move(slot));
                armedAvailable = true;
                if (armFailed)
                {
                    armFailed = false;
                    if (!lastFailed)
                        published.lastError.clear();
                }
            }
            CAPSTAN_TSAN_RELEASE(raw);
            if (!armedQueue->try_enqueue(raw))
            {
                closeSlot(raw, false); // cannot happen: at most a few slots are lent at a time
                return;
            }
            outstandingArmed.push_back(raw);
            failedArmGeneration = 0;
        }
        catch (const std::exception& e)
        {
            failedArmGeneration = takeGeneration;
            lastArmFailure = std::chrono::steady_clock::now();
            // An armed recorder with the previous settings would record what the user no longer asked for.
            if (!outstandingArmed.empty())
                armedQueue->try_enqueue(nullptr);
            std::lock_guard lock(mutex);
            armFailed = true;
            armedAvailable = false;
            published.lastError = std::string("cannot prepare a take: ") + e.what();
        }
    }

    /** A camera streams to one reader at a time: while another slot holds it (the take in progress, or an armed slot
        with older settings), the next slot waits. An armed slot is asked back (the audio thread discards it at its
        next block); a take releases the device when it ends. A take started meanwhile begins late and says so. */
    bool exclusiveSourceBusy(const TakeSettings& take, uint64_t takeGeneration)
    {
        if (!TakeVideo::needsExclusiveSource(take))
            return false;
        {
            std::lock_guard lock(mutex);
            if (std::none_of(slots.begin(), slots.end(),
                             [](const auto& slot)
                             { return slot->video && slot->video->isExclusive() && slot->video->holdsSource(); }))
                return false;
        }
        if (!outstandingArmed.empty() && recalledGeneration != takeGeneration)
        {
            recalledGeneration = takeGeneration;
            armedQueue->try_enqueue(nullptr);
        }
        return true;
    }

    void forget(Slot* slot)
    {
        std::erase(outstandingArmed, slot);
        std::lock_guard lock(mutex);
        armedAvailable = !outstandingArmed.empty() && !armFailed;
    }

    void startTake(Slot* slot, int64_t from, int64_t lateFrames)
    {
        forget(slot);
        std::string track;
        {
            std::lock_guard lock(mutex);
            track = trackName;
            currentTake = slot;
        }
        try
        {
            const std::string main = namer.nextPath(slot->settings, track);
            slot->paths = TakeNamer::pathsFor(slot->settings, main);
            for (size_t i = 0; i < slot->paths.size(); ++i)
                slot->recorder->setOutputPath(i, slot->paths[i]);
            slot->recorder->start(from);
            // The pre-roll ring reaches back userPreRoll + slack: a worker later than that lost the take's head.
            const int64_t reach = slot->recorder->stats().framesPushed - from;
            const int64_t ring = std::llround(slot->recorder->config().preRollSeconds * sampleRate);
            const int64_t missing = lateFrames + std::max<int64_t>(0, reach - ring);
            slot->started.store(true, std::memory_order_release);
            std::lock_guard lock(mutex);
            lastFailed = false;
            published.lastError.clear();
            if (missing > 0)
                published.lastError = "the take started " + std::to_string(double(missing) / sampleRate) +
                                      " s late (no recorder was ready in time): that audio is not in it";
            published.currentFile = main;
        }
        catch (const std::exception& e)
        {
            removeReserved(slot->paths);
            slot->startFailed.store(true, std::memory_order_release);
            std::lock_guard lock(mutex);
            lastFailed = true;
            published.lastError = std::string("cannot start the take: ") + e.what();
            published.currentFile.clear();
        }
    }

    void closeSlot(Slot* slot, bool wasTake)
    {
        std::lock_guard lock(mutex);
        if (currentTake == slot)
            currentTake = nullptr;
        ++closing;
        toClose.emplace_back(slot, wasTake);
        wake.notify_all();
    }

    void handle(const Event& event)
    {
        CAPSTAN_TSAN_ACQUIRE(event.slot);
        switch (event.type)
        {
        case Event::Type::start:
            startTake(event.slot, event.position, event.lateFrames);
            break;
        case Event::Type::stop:
            closeSlot(event.slot, true);
            break;
        case Event::Type::discard:
            forget(event.slot);
            closeSlot(event.slot, false);
            break;
        }
    }

    void runWorker()
    {
        for (;;)
        {
            bool didWork = false;
            Event event;
            while (events->try_dequeue(event))
            {
                handle(event);
                didWork = true;
            }
            std::unique_lock lock(mutex);
            if (quitWorker)
                return; // release() took the audio side over: its events were sent before quitWorker
            lock.unlock();
            maintainArmed();
            lock.lock();
            // A bounded poll: the audio thread never makes a syscall to wake this thread.
            if (!didWork && !quitWorker)
                wake.wait_for(lock, workerPoll);
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // closer thread: finalizing a take (trailer, MP4 remux) can take a while; the worker stays free for the next

    void finish(Slot* slot, bool wasTake)
    {
        try
        {
            if (slot->video)
                slot->video->stop(); // the audio thread pushes nothing more into this recorder; frees the source
        }
        catch (const std::exception&)
        {
            // the picture failed; the audio is still closed below
        }
        try
        {
            slot->recorder->stop();
        }
        catch (const std::exception&)
        {
            // only "already stopping": cannot happen, this thread is the only one stopping it
        }
        const bool started = slot->started.load(std::memory_order_acquire);
        if (!started)
            removeReserved(slot->paths);
        std::lock_guard lock(mutex);
        if (wasTake && started)
        {
            const auto stats = slot->recorder->stats();
            published.takesCompleted += 1;
            published.lastFiles = slot->recorder->files();
            lastStats = stats;
            lastElapsed = sampleRate > 0 ? double(stats.framesWritten) / sampleRate : 0.0;
            std::string errors;
            for (const auto& error : slot->recorder->errors())
                errors += (errors.empty() ? "" : "; ") + error;
            if (!errors.empty())
            {
                lastFailed = true;
                published.lastError = errors;
            }
            if (currentTake == nullptr)
                published.currentFile.clear();
        }
    }

    void runCloser()
    {
        std::unique_lock lock(mutex);
        for (;;)
        {
            if (!toClose.empty())
            {
                auto [slot, wasTake] = toClose.front();
                toClose.pop_front();
                lock.unlock();
                finish(slot, wasTake);
                lock.lock();
                --closing;
                std::erase_if(slots, [slot](const auto& owned) { return owned.get() == slot; });
                continue;
            }
            if (quitCloser)
                return;
            wake.wait(lock);
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // control thread

    void releaseStream()
    {
        if (!prepared.load())
            return;
        prepared.store(false, std::memory_order_release);
        // No process() runs now (the host calls prepare/release between callbacks): this thread is the audio side.
        flushPending();
        const auto post = [this](const Event& event)
        {
            CAPSTAN_TSAN_RELEASE(event.slot);
            events->enqueue(event); // may allocate: this is not the audio thread
        };
        for (int i = 0; i < audio.numPending; ++i)
            post(audio.pending[i]);
        audio.numPending = 0;
        if (audio.recording != nullptr)
            post({Event::Type::stop, audio.recording, 0, 0});
        if (audio.armed != nullptr)
            post({Event::Type::discard, audio.armed, 0, 0});
        audio = AudioSide{};
        audioInTake.store(false);
        audioArmedGeneration.store(0);

        {
            std::lock_guard lock(mutex);
            quitWorker = true;
            wake.notify_all();
        }
        worker.join();
        // The last events, then every slot still lent (queued for the audio thread, never picked up).
        Event event;
        while (events->try_dequeue(event))
            handle(event);
        Slot* slot = nullptr;
        while (armedQueue->try_dequeue(slot))
            if (slot != nullptr)
                forget(slot), closeSlot(slot, false);
        for (Slot* lent : std::vector<Slot*>(outstandingArmed))
            forget(lent), closeSlot(lent, false); // lost by a stuck event queue
        {
            std::lock_guard lock(mutex);
            quitCloser = true;
            wake.notify_all();
        }
        closer.join();
        std::lock_guard lock(mutex);
        quitWorker = quitCloser = false;
        armedAvailable = false;
        currentTake = nullptr;
        published.currentFile.clear();
    }

    void prepareStream(double rate, int channels, int blockFrames)
    {
        releaseStream();
        const int intRate = int(std::lround(rate));
        {
            std::lock_guard lock(mutex);
            sampleRate = intRate;
            numChannels = channels;
            maxBlockFrames = std::max(1, blockFrames);
        }
        armedQueue = std::make_unique<moodycamel::ReaderWriterQueue<Slot*>>(armedQueueSize);
        events = std::make_unique<moodycamel::ReaderWriterQueue<Event>>(eventQueueSize);
        audio = AudioSide{};
        outstandingArmed.clear();
        failedArmGeneration = 0;
        recalledGeneration = 0;
        // The first take is armed here and handed to the audio side directly (no process() runs yet), so that
        // `record` in the very first block starts at once.
        maintainArmed();
        Slot* first = nullptr;
        while (armedQueue->try_dequeue(first))
        {
            audio.armed = first;
            audioArmedGeneration.store(first != nullptr ? first->generation : 0);
        }
        worker = std::thread([this] { runWorker(); });
        closer = std::thread([this] { runCloser(); });
        prepared.store(true, std::memory_order_release);
    }

    Status makeStatus() const
    {
        std::lock_guard lock(mutex);
        Status status = published;
        const bool inTake = audioInTake.load(std::memory_order_acquire);
        const RecorderStats::Snapshot* figures = &lastStats;
        RecorderStats::Snapshot live;
        status.elapsedSeconds = lastElapsed;
        if (currentTake != nullptr && !currentTake->startFailed.load())
        {
            live = currentTake->recorder->stats();
            figures = &live;
            status.elapsedSeconds =
                sampleRate > 0 ? double(currentTake->takeFrames.load(std::memory_order_relaxed)) / sampleRate : 0.0;
        }
        status.droppedFrames = figures->droppedFrames;
        status.dropCount = figures->dropCount;
        status.nonFiniteSamples = figures->nonFiniteSamples;
        status.clippedSamples = figures->clippedSamples;
        status.firstRepairSeconds = figures->firstRepairSeconds;
        status.encoderLagSeconds = figures->encoderLagSeconds;
        status.bytesWritten = figures->bytesWritten;
        status.secondsUntilDiskFull = figures->secondsUntilDiskFull;
        status.peaks = figures->peaks;
        status.peakDbfs = figures->peakDbfs();
        status.maxPeak = figures->maxPeak;
        status.fullScaleSamples = figures->fullScaleSamples;
        status.silenceWarnings = figures->silenceWarnings;
        status.silentSeconds = figures->silentSeconds;
        status.signalWarning = figures->signalWarning;
        status.lastSignalWarning = figures->lastSignalWarning;
        status.videoSource = figures->videoSource;
        // A write error during the take (disk full, a failed extra output) shows at once, not only at its end.
        if (figures == &live && live.writeErrors > 0 && status.lastError.empty())
            status.lastError = "write error: " + live.firstError;

        if (!prepared.load(std::memory_order_acquire))
            status.state = State::idle;
        else if (inTake)
        {
            if (currentTake == nullptr)
                status.state = armFailed && !armedAvailable ? State::failed : State::starting;
            else if (currentTake->startFailed.load())
                status.state = State::failed;
            else
                status.state = currentTake->started.load() ? State::recording : State::starting;
        }
        else if (currentTake != nullptr || closing > 0)
            status.state = State::stopping;
        else if (lastFailed)
            status.state = State::failed;
        else
            status.state = audioArmedGeneration.load() != 0 ? State::ready : State::idle;
        status.nextTakeReady = audioArmedGeneration.load() == generation;
        return status;
    }

    void setPreviewWanted(bool wanted)
    {
        std::lock_guard lock(mutex);
        previewWanted = wanted;
        for (const auto& slot : slots)
            if (slot->video)
                slot->video->setPreviewEnabled(wanted);
    }

    /** The slot whose source the preview shows: the take's, else the newest one holding a source (the armed one). */
    Slot* previewSource() const
    {
        if (currentTake != nullptr && currentTake->video && currentTake->video->holdsSource())
            return currentTake;
        Slot* newest = nullptr;
        for (const auto& slot : slots)
            if (slot->video && slot->video->holdsSource() &&
                (newest == nullptr || slot->generation >= newest->generation))
                newest = slot.get();
        return newest;
    }

    bool takePreview(std::vector<uint8_t>& bgra, int& width, int& height, std::string& source)
    {
        // Under the mutex: the closer deletes slots under it too, so the chosen one lives while it is read.
        std::lock_guard lock(mutex);
        Slot* slot = previewSource();
        if ((slot != nullptr ? slot->id : 0) != previewSlot)
        {
            previewSlot = slot != nullptr ? slot->id : 0;
            previewSequence = 0; // another source's pictures are numbered from 1 again
        }
        source = slot != nullptr ? slot->video->describe() : std::string();
        if (slot == nullptr || width < 2 || height < 2)
            return false;
        // The picture's own shape, as large as fits in width x height.
        const double scale = std::min(double(width) / slot->video->width(), double(height) / slot->video->height());
        width = std::max(2, int(slot->video->width() * scale));
        height = std::max(2, int(slot->video->height() * scale));
        return slot->video->takePreview(bgra, width, height, previewSequence);
    }
};

TakeRecorder::TakeRecorder() : impl(std::make_unique<Impl>()) {}

TakeRecorder::~TakeRecorder()
{
    impl->releaseStream();
}

void TakeRecorder::prepare(double sampleRate, int numChannels, int maxBlockFrames)
{
    impl->prepareStream(sampleRate, numChannels, maxBlockFrames);
}

void TakeRecorder::release()
{
    impl->releaseStream();
}

void TakeRecorder::setSettings(const TakeSettings& settings)
{
    std::lock_guard lock(impl->mutex);
    impl->settings = settings;
    ++impl->generation;
    impl->wake.notify_all();
}

void TakeRecorder::setTrackName(const std::string& name)
{
    std::lock_guard lock(impl->mutex);
    impl->trackName = name;
}

void TakeRecorder::process(const float* const* channels, int numChannels, int numFrames, bool record,
                           bool paused) noexcept
{
    impl->process(channels, numChannels, numFrames, record, paused);
}

TakeRecorder::Status TakeRecorder::status() const
{
    return impl->makeStatus();
}

void TakeRecorder::setVideoPreviewWanted(bool wanted)
{
    impl->setPreviewWanted(wanted);
}

bool TakeRecorder::takeVideoPreview(std::vector<uint8_t>& bgra, int& width, int& height, std::string& source)
{
    return impl->takePreview(bgra, width, height, source);
}

} // namespace capstan
