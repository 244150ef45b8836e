#pragma once

#include "TakeSettings.h"

#include <capstan/realtime/VideoSourceStats.h>

#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <vector>

namespace capstan
{

/** A track recorder for products (the capture plugin, the standalone app): takes start and stop from the audio
    thread's point of view, sample-exact at block boundaries, while every file operation happens on a worker thread.

    The audio thread calls process() for every block with the wanted state. When `record` turns on, the take starts
    with that block (plus the configured pre-roll); when it turns off, the take ends after the previous block. The
    worker keeps an armed Recorder ready, so the audio that arrives while it opens the files is taken from the
    pre-roll ring (Recorder::start(fromPosition)) and nothing is lost. `paused` keeps the take open but writes nothing.

    Threads: control thread: prepare(), release(), setSettings(), setTrackName(); audio thread (one at a time):
    process() — no allocation, no lock, no syscall, no waiting; any thread: status(). */

/*  How it works (the session layer's notes):
    - Slots. A slot is one Recorder (plus a TakeVideo for the video formats: the spectrum visualizer, or the
      settings' video source opened with VideoInput and read by a VideoCapture), built and armed by the worker
      thread with the settings of the moment and a pre-roll ring of the user's pre-roll + 4 s of slack. Its outputs
      are the main format and each extra format (TakeNamer::formatsOf), one OutputSpec each (makeOutputSpec).
    - Hand-over without shared pointers: the worker lends an armed slot to the audio thread through a preallocated
      SPSC queue (moodycamel::ReaderWriterQueue); the audio thread gives slots back through a second one as events:
      start(slot, position), stop(slot), discard(slot). A slot is only ever deleted (by the closer thread) after the
      audio thread has given it back, so the audio thread never reads freed memory and needs no in-use counter.
      try_enqueue on a preallocated queue never allocates; if the event queue is full, the audio thread keeps up to
      16 events in a fixed array and retries at the next block.
    - Start: in the block where `record` turns on, the audio thread makes the armed slot the take and sends
      start(position = the slot's clock at this block - pre-roll). The worker names the take (TakeNamer, at that
      moment, so %time% is the take's time), points the outputs at the names (Recorder::setOutputPath) and calls
      Recorder::start(position): the blocks pushed meanwhile come from the ring, so the file begins exactly there. The
      worker then arms the next slot at once; the audio thread feeds every block to the armed slot (the next take's
      pre-roll) and to the take (unless `paused`).
    - Stop: in the block where `record` turns off, the audio thread stops pushing into the take and sends stop: the
      file ends with the previous block. A closer thread (so that a long MP4 remux never delays the next start) stops
      the live video, then the Recorder (drain, trailer, remux), publishes lastFiles/lastError, and deletes the slot.
    - Settings changes reach the next armed slot: the worker arms one with the new settings, the audio thread takes
      it at its next block and gives the old one back (discard). Settings that cannot be armed (bad video size, bad
      pre-roll...) take the armed slot back: state idle with lastError, retried every second and on every change.
    - Failures: a take that cannot be named or opened is `failed` with lastError (its reserved empty files are
      removed); the audio thread keeps feeding that slot (harmless) until `record` turns off; the next take uses the
      next armed slot, so it retries. Write errors during a take come from Recorder::errors() at its end.
    - `record` while no slot is armed (a take shorter than the time to arm the next one): the take starts with the
      next armed slot and lastError says how late. The next take's pre-roll can reach back only to when its slot was
      armed (normally right after the previous take started).
    - Cost: while prepared, one armed Recorder (encoder thread, ring) runs all the time; with a video format its
      spectrum is drawn all the time too (LiveSpectrumVideo must be installed before arm()), or the video source is
      open and read all the time (the preview shows it). A source that cannot be opened is a setting that cannot be
      armed (lastError says why and what exists). A camera streams to one reader at a time: the next take's slot opens
      it once the previous take released it, so a take started right after another may begin late (and says so).
      Other sources are open twice while a take runs (the take's and the next take's).
    - Contract with the host: prepare() and release() never run during process() (as JUCE's prepareToPlay /
      releaseResources); status() takes a short mutex shared with the worker threads only: never call it from the
      audio thread.
    - Linking: TakeVideo uses LiveSpectrumVideo; capstan_session does not link capstan_visual, the final executable
      provides it (the plugin compiles it with its JUCE, the app links capstan_visual). It links capstan_capture
      (JUCE-free) for the video sources. */
class TakeRecorder
{
public:
    enum class State
    {
        idle,     ///< not prepared, or settings make recording impossible
        ready,    ///< armed, waiting for record
        starting, ///< record is on, the worker is opening the take
        recording,
        stopping,
        failed ///< the last take could not be opened or written: see Status::lastError
    };

    struct Status
    {
        State state = State::idle;
        double elapsedSeconds = 0; ///< of the current (or last) take
        int64_t droppedFrames = 0; ///< current (or last) take
        int64_t dropCount = 0;
        int64_t nonFiniteSamples = 0;   ///< NaN/Inf samples written as silence in the current (or last) take
        int64_t clippedSamples = 0;     ///< absurd magnitudes (beyond +60 dBFS) clipped in it
        double firstRepairSeconds = -1; ///< where in the take the first repair was, -1 none
        double encoderLagSeconds = 0;
        int64_t bytesWritten = 0;
        double secondsUntilDiskFull = -1; ///< -1: unknown
        int takesCompleted = 0;
        std::string currentFile;            ///< main file of the take being recorded
        std::vector<std::string> lastFiles; ///< files of the last completed take
        std::string lastError;              ///< empty when none
        // Added by the session layer (not in the first contract):
        /** The audio thread holds an armed recorder with the current settings: `record` starts the next take in that
            very block, with its full pre-roll (once the recorder has been armed for that long). Settings changes
            reach the audio thread at its next process() call. */
        bool nextTakeReady = false;
        /** What the take's files receive, measured on the encoder thread (RecorderStats; zero when idle). A meter
            reads `peaks`; a clip light `fullScaleSamples`; a banner `signalWarning` (empty while the signal moves). */
        std::vector<float> peaks; ///< per channel, linear, over the last 0.1-0.2 s written
        double peakDbfs = -std::numeric_limits<double>::infinity(); ///< the loudest of `peaks` in dBFS
        float maxPeak = 0;                                          ///< the loudest sample of the take so far (linear)
        int64_t fullScaleSamples = 0;                               ///< samples at or beyond full scale (|x| >= 1.0)
        int64_t silenceWarnings = 0;   ///< runs of digital silence or a constant value that reached the threshold
        double silentSeconds = 0;      ///< the current run of silence or constant value
        std::string signalWarning;     ///< e.g. "no signal: 5.0 s of digital silence from 0:00:03"; empty when fine
        std::string lastSignalWarning; ///< the latest warning of the take, kept after the signal returns
        /** The video source's counters in the take (active: TakeSettings::videoSource was recorded): frames captured,
            duplicated, skipped, refused, drift, and `problem` when it ended or failed. */
        VideoSourceStats::Snapshot videoSource;
    };

    TakeRecorder();
    ~TakeRecorder(); ///< finishes a take in progress

    /** Control thread: (re)allocates for this stream and arms the next take. A take in progress is finished. */
    void prepare(double sampleRate, int numChannels, int maxBlockFrames);
    void release();
    /** Control thread: applies to the next take (a take in progress keeps its settings). */
    void setSettings(const TakeSettings& settings);
    void setTrackName(const std::string& name);

    /** Audio thread. Never touches `channels` beyond reading numChannels x numFrames. */
    void process(const float* const* channels, int numChannels, int numFrames, bool record,
                 bool paused = false) noexcept;

    Status status() const;

    /** Control thread: keep the video source's pictures for a live preview (copied only while wanted). */
    void setVideoPreviewWanted(bool wanted);
    /** Control thread (a GUI timer, never the audio thread): the newest picture of the video source (the take's, else
        the armed recorder's) as BGRA into `bgra`, when there is a new one: `width` x `height` give the box, and get
        the picture's size (its shape kept, as large as fits). `source` gets what is open ("lavfi testsrc2 640x360 @
        30 fps"), empty when no source is open (none chosen, or it cannot be opened: see Status::lastError). */
    bool takeVideoPreview(std::vector<uint8_t>& bgra, int& width, int& height, std::string& source);

private:
    struct Impl;
    std::unique_ptr<Impl> impl;
};

} // namespace capstan
