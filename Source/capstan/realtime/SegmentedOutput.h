#pragma once

#include "NetworkOutput.h"
#include "RecorderConfig.h"
#include "RecorderStats.h"
#include "SignalMonitor.h"

#include <capstan/media/StreamWriter.h>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace capstan
{

/** One output of the Recorder: a StreamWriter per segment, rotated at exact sample positions (by duration) or at
    the first write after a size limit, so that consecutive segments hold exactly the recorded samples. Drops are
    written as silence and listed in a JSON sidecar beside each file. A write error fails this output only: the
    message is kept, the file is closed so it plays up to the failure, and the recorder goes on.

    A network URL (rtmp://, srt://, udp://...) is handed to a NetworkOutput instead: its own thread behind a bounded
    queue, with reconnects; this class then only forwards the timeline to it.

    Used by its OutputWorker's thread only (the first segment may be opened on the control thread before any recorded
    block reaches it). */
class SegmentedOutput
{
public:
    SegmentedOutput(const OutputSpec& spec, int sampleRate, int numChannels, const VideoSpec& video,
                    int64_t splitFrames, int64_t splitBytes);
    ~SegmentedOutput();

    /** Opens the first segment; throws capstan::Error with the writer's message when it cannot. */
    void open();
    /** Before open(): another file path (not a URL) for this output (Recorder::setOutputPath). */
    void setPath(const std::string& path)
    {
        spec.path = path;
        counters->describe(path, false); // file outputs only (Recorder::setOutputPath)
    }

    /** Appends planar float audio to the timeline. `silence`: the frames replace a drop and are listed as one. */
    void writeAudio(const float* const* planes, int64_t numFrames, bool silence);

    /** Writes one video frame whose time is `timelineFrame` on the audio clock; false when it is skipped (before
        the current segment, or not after the previous frame). */
    bool writeVideo(const uint8_t* frame, size_t numBytes, int64_t timelineFrame);

    void flush();
    /** Finalizes the last segment (trailer, sidecar, seekable MP4 remux). Safe to call twice. */
    void close();

    /** The encoder thread's measurements, whose warnings go into the sidecars; before open(). */
    void setSignalMonitor(const SignalMonitor* monitor) { signal = monitor; }
    /** The video source's counters, summarized in the sidecar of an output that carries video; before open(). */
    void setVideoSource(const VideoSourceStats* source) { videoSource = source; }
    /** Encoder thread: a signal warning began or ended: the sidecar says so now (a killed process keeps it). */
    void noteSignalWarning();

    /** Where this output reports its state (RecorderStats::output(i)); before open(). Default: counters of its own. */
    void attachCounters(OutputCounters& counters);
    const OutputCounters& outputCounters() const { return *counters; }
    /** Its atomics are also written by the encoder thread (what this output lost by falling behind) and read by it. */
    OutputCounters& outputCounters() { return *counters; }
    /** True for a URL written by its own network thread (NetworkOutput). */
    bool isNetwork() const { return network != nullptr; }

    bool failed() const;
    const std::string& error() const;
    int64_t bytesWritten() const;
    /** Files written so far, in order. */
    const std::vector<std::string>& files() const { return segmentPaths; }
    int64_t framesWritten() const { return timelinePosition; }
    bool hasVideo() const { return withVideo; }

private:
    struct Segment
    {
        std::string path;
        int64_t startFrame = 0;
        int64_t numFrames = 0;
        std::vector<DropInterval> drops; ///< positions relative to the segment
        SampleRepairs repairs;           ///< the writer's, copied when they change (positions relative too)
        int64_t device = -1, inode = -1; ///< the file opened, to notice when it is removed or replaced
        std::unique_ptr<StreamWriter> writer;
        int audioStream = -1;
        int videoStream = -1;
        int64_t lastVideoIndex = -1;
    };

    std::string segmentPath(int index) const;
    void openSegment();
    void closeSegment(bool clean);
    void writeSidecar(const Segment& segment, bool complete) const;
    /** The warned signal runs inside the segment, relative to it. */
    std::vector<SignalRun> signalRuns(const Segment& segment, const std::vector<SignalRun>& warned) const;
    /** With SidecarMode::whenNeeded: something happened in the segment (a drop, a repair, a warning, an error). */
    bool sidecarNeeded(const Segment& segment) const;
    bool videoSourceRepaired() const;
    /** The drops as container chapters, between "recorded" ones. */
    std::vector<Chapter> dropChapters(const Segment& segment) const;
    void fail(const std::string& message);
    /** After a write: takes the writer's sample repairs into the segment and the live counters. */
    void noteRepairs();
    /** False when the current segment's file is no longer where it was opened (removed, folder gone, replaced). */
    bool destinationStillThere() const;
    /** "mp4", "matroska", "ogg", or the format/extension otherwise. */
    std::string containerFamily() const;

    OutputSpec spec;
    int sampleRate;
    int numChannels;
    VideoSpec video;
    bool withVideo;
    int64_t splitFrames;
    int64_t splitBytes;
    bool isUrl;

    std::optional<Segment> current;
    std::vector<std::string> segmentPaths;
    int64_t closedBytes = 0;
    SampleRepairs closedRepairs; ///< totals of the finished segments (counts only)
    std::chrono::steady_clock::time_point lastSidecar{};
    int64_t timelinePosition = 0;
    bool rotatePending = false;
    bool closed = false;
    mutable std::string errorMessage; ///< a network output's is taken from it when it gives up
    std::vector<float> zeros;
    OutputCounters ownCounters;
    OutputCounters* counters = &ownCounters;
    const SignalMonitor* signal = nullptr;
    const VideoSourceStats* videoSource = nullptr;
    std::unique_ptr<NetworkOutput> network; ///< URLs (rtmp://, srt://, udp://...): their own thread
};

} // namespace capstan
