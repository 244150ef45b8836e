#include "SegmentedOutput.h"

#include "JsonText.h"

#include "Mp4Remuxer.h"

#include <capstan/media/NetworkUrl.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>

#include <sys/stat.h>

namespace capstan
{

namespace
{
constexpr int64_t zeroFrames = 4096;

std::string lowerExtension(const std::string& path)
{
    std::string ext = std::filesystem::path(path).extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return char(std::tolower(c)); });
    return ext;
}

/** Drop or repair intervals as JSON objects: frames and seconds, relative to the segment. */
template <typename Interval>
std::string intervalsJson(const std::vector<Interval>& intervals, int sampleRate)
{
    std::string json;
    for (size_t i = 0; i < intervals.size(); ++i)
    {
        const auto& d = intervals[i];
        char text[160];
        std::snprintf(text, sizeof(text),
                      "%s{\"frame\":%lld,\"frames\":%lld,\"seconds\":%.6f,\"durationSeconds\":%.6f}", i ? "," : "",
                      (long long)d.position, (long long)d.numFrames, double(d.position) / sampleRate,
                      double(d.numFrames) / sampleRate);
        json += text;
    }
    return json;
}
} // namespace

SegmentedOutput::SegmentedOutput(const OutputSpec& spec_, int sampleRate_, int numChannels_, const VideoSpec& video_,
                                 int64_t splitFrames_, int64_t splitBytes_)
    : spec(spec_), sampleRate(sampleRate_), numChannels(numChannels_), video(video_),
      withVideo(spec_.withVideo && video_.enabled), splitFrames(splitFrames_), splitBytes(splitBytes_),
      // URLs, standard output and devices (alsa, pulse...) have no segments, sidecars or remux.
      isUrl(spec_.path.find("://") != std::string::npos || spec_.path == "-" ||
            NetworkUrl::isOutputDevice(spec_.format)),
      zeros(static_cast<size_t>(zeroFrames), 0.0f)
{
    if (isUrl)
        splitFrames = splitBytes = 0; // a stream has no segments
    ownCounters.describe(NetworkUrl::forDisplay(spec.path), NetworkUrl::isNetwork(spec.path));
}

void SegmentedOutput::attachCounters(OutputCounters& target)
{
    counters = &target;
    counters->describe(NetworkUrl::forDisplay(spec.path), NetworkUrl::isNetwork(spec.path));
}

bool SegmentedOutput::failed() const
{
    // A network output that gave up still takes the timeline until it is closed, so that everything it could not
    // send is counted; it reports as failed from then on (the live state says "failed" at once).
    return !errorMessage.empty() || (network && closed && network->hasFailed());
}

const std::string& SegmentedOutput::error() const
{
    if (errorMessage.empty() && network && closed && network->hasFailed())
        errorMessage = network->failure();
    return errorMessage;
}

SegmentedOutput::~SegmentedOutput()
{
    try
    {
        close();
    }
    catch (...)
    {
    }
}

std::string SegmentedOutput::containerFamily() const
{
    const std::string& f = spec.format;
    if (!f.empty())
    {
        if (f == "mp4" || f == "mov" || f == "ipod" || f == "ismv")
            return "mp4";
        if (f == "matroska" || f == "webm")
            return "matroska";
        return f == "ogg" || f == "oga" || f == "opus" || f == "spx" ? "ogg" : f;
    }
    const std::string ext = lowerExtension(spec.path);
    if (ext == ".mp4" || ext == ".m4a" || ext == ".mov" || ext == ".m4v")
        return "mp4";
    if (ext == ".mkv" || ext == ".mka" || ext == ".webm")
        return "matroska";
    if (ext == ".ogg" || ext == ".oga" || ext == ".opus" || ext == ".spx")
        return "ogg";
    return ext.empty() ? std::string() : ext.substr(1);
}

std::string SegmentedOutput::segmentPath(int index) const
{
    if (splitFrames <= 0 && splitBytes <= 0)
        return spec.path;
    const std::filesystem::path path(spec.path);
    char number[16];
    std::snprintf(number, sizeof(number), "-%03d", index);
    return (path.parent_path() / (path.stem().string() + number + path.extension().string())).string();
}

void SegmentedOutput::open()
{
    if (NetworkUrl::isNetwork(spec.path))
    {
        // A server that is slow or gone must not hold up the encoder thread: this output gets its own thread.
        if (network)
            return;
        network = std::make_unique<NetworkOutput>(spec, sampleRate, numChannels, video, withVideo, *counters);
        network->open();
        segmentPaths.push_back(spec.path);
        return;
    }
    counters->state.store(OutputCounters::State::writing, std::memory_order_relaxed);
    if (!current && !failed())
        openSegment();
    if (failed())
        throw Error(errorMessage);
}

void SegmentedOutput::openSegment()
{
    Segment segment;
    segment.path = segmentPath(int(segmentPaths.size()) + 1);
    segment.startFrame = timelinePosition;
    try
    {
        segment.writer = std::make_unique<StreamWriter>(segment.path, spec.format);
        segment.audioStream = segment.writer->addAudioStream(audioStreamConfig(spec, sampleRate, numChannels));
        if (withVideo)
            segment.videoStream = segment.writer->addVideoStream(videoStreamConfig(video));
        Options options = spec.muxerOptions;
        const bool hasMovflags =
            std::any_of(options.begin(), options.end(), [](const auto& kv) { return kv.first == "movflags"; });
        auto hasOption = [&options](const char* key)
        { return std::any_of(options.begin(), options.end(), [key](const auto& kv) { return kv.first == key; }); };
        const std::string family = containerFamily();
        if (spec.crashSafe && family == "mp4" && !hasMovflags)
        {
            // Fragments every 0.25 s with an empty moov up front: a killed recording stays playable.
            options.push_back({"movflags", "+frag_keyframe+empty_moov+default_base_moof"});
            options.push_back({"frag_duration", "250000"});
            // Fragmented mp4 defaults to avoid_negative_ts=make_zero without edit lists: a video stream whose first
            // packet reaches the muxer before AAC's negative (priming) timestamps misses the shift the audio gets,
            // and its frames after the first land 1024 samples late. make_non_negative keeps them at i / fps.
            if (withVideo && !hasOption("avoid_negative_ts"))
                options.push_back({"avoid_negative_ts", "make_non_negative"});
        }
        // Matroska and Ogg hold a cluster/page in memory until it is complete (5 s / 1 s by default): keep them
        // short so that what reaches the disk at each periodic flush is at most about half a second old, even with
        // eight outputs on a loaded machine (the kill test with eight outputs).
        if (spec.crashSafe && family == "matroska" && !hasOption("cluster_time_limit"))
            options.push_back({"cluster_time_limit", "250"});
        if (spec.crashSafe && family == "ogg" && !hasOption("page_duration"))
            options.push_back({"page_duration", "100000"});
        segment.writer->open(options);
    }
    catch (const std::exception& e)
    {
        fail("output '" + segment.path + "': " + e.what());
        return;
    }
    struct stat info
    {
    };
    if (::stat(segment.path.c_str(), &info) == 0)
    {
        segment.device = int64_t(info.st_dev);
        segment.inode = int64_t(info.st_ino);
    }
    segmentPaths.push_back(segment.path);
    current = std::move(segment);
    writeSidecar(*current, false);
    lastSidecar = std::chrono::steady_clock::now();
}

bool SegmentedOutput::destinationStillThere() const
{
    if (!current || current->inode < 0)
        return true;
    struct stat info
    {
    };
    return ::stat(current->path.c_str(), &info) == 0 && int64_t(info.st_dev) == current->device &&
           int64_t(info.st_ino) == current->inode;
}

void SegmentedOutput::noteRepairs()
{
    const SampleRepairs& repairs = current->writer->sampleRepairs(current->audioStream);
    if (repairs.total() == current->repairs.total())
        return; // the usual case: nothing to copy
    current->repairs = repairs;
    counters->nonFiniteSamples.store(closedRepairs.nonFiniteSamples + repairs.nonFiniteSamples,
                                     std::memory_order_relaxed);
    counters->clippedSamples.store(closedRepairs.clippedSamples + repairs.clippedSamples, std::memory_order_relaxed);
    counters->repairIntervals.store(closedRepairs.intervalCount + repairs.intervalCount, std::memory_order_relaxed);
    if (counters->firstRepairFrame.load(std::memory_order_relaxed) < 0 && !repairs.intervals.empty())
        counters->firstRepairFrame.store(current->startFrame + repairs.intervals.front().position,
                                         std::memory_order_relaxed);
    writeSidecar(*current, false);
}

void SegmentedOutput::writeAudio(const float* const* planes, int64_t numFrames, bool silence)
{
    if (network)
    {
        network->writeAudio(planes, numFrames, silence, timelinePosition);
        timelinePosition += numFrames;
        return;
    }
    const float* offsetPlanes[64];
    const int channels = std::min(numChannels, 64);
    int64_t done = 0;
    while (done < numFrames && !failed())
    {
        if (rotatePending || !current)
        {
            if (current)
                closeSegment(true);
            rotatePending = false;
            openSegment();
            if (failed())
                break;
        }
        int64_t chunk = numFrames - done;
        if (splitFrames > 0)
            chunk = std::min(chunk, splitFrames - (timelinePosition - current->startFrame));
        if (silence)
            chunk = std::min(chunk, zeroFrames);
        for (int c = 0; c < channels; ++c)
            offsetPlanes[c] = silence ? zeros.data() : planes[c] + done;
        try
        {
            current->writer->writeAudioChunk(
                current->audioStream,
                AudioData{SampleFormat::fltp, reinterpret_cast<const void* const*>(offsetPlanes), channels, chunk});
        }
        catch (const std::exception& e)
        {
            fail("output '" + current->path + "': write failed at " +
                 std::to_string(double(timelinePosition) / sampleRate) + " s: " + e.what());
            break;
        }
        if (!silence)
            noteRepairs();
        if (silence)
        {
            const int64_t relative = timelinePosition - current->startFrame;
            if (!current->drops.empty() && current->drops.back().position + current->drops.back().numFrames == relative)
                current->drops.back().numFrames += chunk;
            else
                current->drops.push_back({relative, chunk});
        }
        timelinePosition += chunk;
        current->numFrames += chunk;
        done += chunk;
        if (splitFrames > 0 && timelinePosition - current->startFrame >= splitFrames)
            rotatePending = true; // rotate lazily: no empty segment after the last sample
        if (splitBytes > 0)
        {
            // bytesWritten() counts what left the I/O buffer: flush so the size is exact at this sample.
            flush();
            if (current && current->writer->bytesWritten() >= splitBytes)
                rotatePending = true;
        }
    }
    if (silence && current && !failed())
        writeSidecar(*current, false);
    counters->framesWritten.store(timelinePosition, std::memory_order_relaxed);
    counters->bytesWritten.store(bytesWritten(), std::memory_order_relaxed);
}

bool SegmentedOutput::writeVideo(const uint8_t* frame, size_t numBytes, int64_t timelineFrame)
{
    if (network)
        return withVideo && network->writeVideo(frame, numBytes, timelineFrame);
    if (!withVideo || !current || failed() || timelineFrame < current->startFrame)
        return false;
    // The frame's index at the video rate, from the audio clock; pts in seconds from that exact index.
    const int64_t relative = timelineFrame - current->startFrame;
    const int64_t index =
        int64_t(std::llround(double(relative) * video.frameRate.num / (double(video.frameRate.den) * sampleRate)));
    if (index <= current->lastVideoIndex)
        return false;
    try
    {
        const double pts = double(index) * video.frameRate.den / video.frameRate.num;
        current->writer->writeVideoChunk(current->videoStream, std::span<const uint8_t>(frame, numBytes), pts);
    }
    catch (const std::exception& e)
    {
        fail("output '" + current->path + "': video write failed: " + e.what());
        return false;
    }
    current->lastVideoIndex = index;
    return true;
}

void SegmentedOutput::flush()
{
    if (network)
        return; // its own thread flushes
    if (!current || failed())
        return;
    if (!destinationStillThere())
    {
        // Writes into a removed file (or a vanished folder) succeed and go nowhere: say so and stop.
        counters->destinationExists.store(false, std::memory_order_relaxed);
        fail("output '" + current->path + "': the file was removed (or its folder vanished) while recording; " +
             "the " + std::to_string(double(current->numFrames) / sampleRate) +
             " s written to it are lost, the other outputs go on");
        return;
    }
    try
    {
        current->writer->flush();
    }
    catch (const std::exception& e)
    {
        fail("output '" + current->path + "': flush failed: " + e.what());
        return;
    }
    counters->bytesWritten.store(bytesWritten(), std::memory_order_relaxed);
    // Keep the sidecar close to the file, so that a killed recording's sidecar does not claim "frames":0.
    const auto now = std::chrono::steady_clock::now();
    if (now - lastSidecar >= std::chrono::seconds(1))
    {
        lastSidecar = now;
        writeSidecar(*current, false);
    }
}

int64_t SegmentedOutput::bytesWritten() const
{
    if (network)
        return counters->bytesWritten.load(std::memory_order_relaxed);
    return closedBytes + (current && current->writer ? current->writer->bytesWritten() : 0);
}

void SegmentedOutput::closeSegment(bool clean)
{
    if (!current)
        return;
    Segment segment = std::move(*current);
    current.reset();
    bool ok = clean;
    closedRepairs.nonFiniteSamples += segment.repairs.nonFiniteSamples;
    closedRepairs.clippedSamples += segment.repairs.clippedSamples;
    closedRepairs.intervalCount += segment.repairs.intervalCount;
    const std::vector<Chapter> chapters = dropChapters(segment);
    if (segment.writer)
    {
        try
        {
            for (const auto& chapter : chapters)
                segment.writer->addChapter(chapter);
            segment.writer->close();
        }
        catch (const std::exception& e)
        {
            ok = false;
            if (!failed())
                errorMessage = "output '" + segment.path + "': closing failed: " + e.what();
        }
        closedBytes += segment.writer->bytesWritten();
        segment.writer.reset();
    }
    if (ok && containerFamily() == "mp4" && spec.crashSafe && !isUrl)
    {
        try
        {
            Mp4Remuxer::remuxToSeekable(segment.path, chapters);
        }
        catch (const std::exception& e)
        {
            std::remove((segment.path + ".remux.tmp").c_str());
            if (!failed())
                errorMessage = std::string(e.what()) + " (the fragmented file is kept and plays)";
        }
    }
    writeSidecar(segment, ok);
}

std::vector<Chapter> SegmentedOutput::dropChapters(const Segment& segment) const
{
    // A timeline of "recorded" and "dropped" chapters: matroska keeps exact intervals, mp4 keeps start times only,
    // so the list covers the whole segment either way. A recording without drops gets no chapters.
    std::vector<Chapter> chapters;
    if (segment.drops.empty())
        return chapters;
    const auto seconds = [this](int64_t frames) { return double(frames) / sampleRate; };
    int64_t position = 0;
    for (const auto& drop : segment.drops)
    {
        if (drop.position > position)
            chapters.push_back({seconds(position), seconds(drop.position), "recorded"});
        chapters.push_back({seconds(drop.position), seconds(drop.position + drop.numFrames),
                            "dropped " + std::to_string(drop.numFrames) + " samples (silence)"});
        position = drop.position + drop.numFrames;
    }
    if (segment.numFrames > position)
        chapters.push_back({seconds(position), seconds(segment.numFrames), "recorded"});
    return chapters;
}

void SegmentedOutput::close()
{
    if (closed)
        return;
    closed = true;
    if (network)
    {
        network->close();
        return;
    }
    closeSegment(!failed());
    counters->bytesWritten.store(bytesWritten(), std::memory_order_relaxed);
    if (failed())
    {
        counters->setLastError(errorMessage);
        counters->state.store(OutputCounters::State::failed, std::memory_order_relaxed);
    }
    else
        counters->state.store(OutputCounters::State::closed, std::memory_order_relaxed);
}

void SegmentedOutput::fail(const std::string& message)
{
    if (failed())
        return;
    errorMessage = message;
    counters->setLastError(message);
    counters->state.store(OutputCounters::State::failed, std::memory_order_relaxed);
    // Close what was written so that the file plays up to the failure (trailer/header where still possible).
    if (current)
        closeSegment(false);
}

void SegmentedOutput::noteSignalWarning()
{
    if (current && !failed())
        writeSidecar(*current, false);
}

std::vector<SignalRun> SegmentedOutput::signalRuns(const Segment& segment, const std::vector<SignalRun>& warned) const
{
    std::vector<SignalRun> runs;
    const int64_t begin = segment.startFrame, end = segment.startFrame + segment.numFrames;
    for (const auto& run : warned)
    {
        const int64_t first = std::max(run.position, begin), last = std::min(run.position + run.numFrames, end);
        if (last > first)
            runs.push_back({first - begin, last - first, run.silence, run.value});
    }
    return runs;
}

bool SegmentedOutput::sidecarNeeded(const Segment& segment) const
{
    return !segment.drops.empty() || segment.repairs.total() > 0 || !errorMessage.empty() || videoSourceRepaired() ||
           (signal != nullptr && !signalRuns(segment, signal->sidecarView().runs).empty());
}

bool SegmentedOutput::videoSourceRepaired() const
{
    if (!withVideo || videoSource == nullptr)
        return false;
    // Frames refused, duplicated or skipped are repairs of the picture: worth a sidecar like audio drops.
    return videoSource->framesRefused.load(std::memory_order_relaxed) > 0 ||
           videoSource->framesDuplicated.load(std::memory_order_relaxed) > 0 ||
           videoSource->framesSkipped.load(std::memory_order_relaxed) > 0;
}

void SegmentedOutput::writeSidecar(const Segment& segment, bool complete) const
{
    if (spec.sidecar == SidecarMode::never || isUrl || !counters->destinationExists.load(std::memory_order_relaxed))
        return;
    if (spec.sidecar == SidecarMode::whenNeeded && !sidecarNeeded(segment))
        return; // nothing happened: no file to look at
    std::string json = "{\"file\":" + jsonQuote(segment.path) + ",\"sampleRate\":" + std::to_string(sampleRate) +
                       ",\"channels\":" + std::to_string(numChannels) +
                       ",\"timelineStartFrame\":" + std::to_string(segment.startFrame) +
                       ",\"frames\":" + std::to_string(segment.numFrames) +
                       ",\"complete\":" + (complete ? "true" : "false") + ",\"drops\":[";
    json += intervalsJson(segment.drops, sampleRate);
    const SampleRepairs& r = segment.repairs;
    json += "],\"repairs\":{\"nonFiniteSamples\":" + std::to_string(r.nonFiniteSamples) +
            ",\"clippedSamples\":" + std::to_string(r.clippedSamples) +
            ",\"intervalCount\":" + std::to_string(r.intervalCount) + ",\"intervals\":[";
    json += intervalsJson(r.intervals, sampleRate);
    json += "]}";
    if (signal != nullptr)
    {
        // Levels of the recording up to this point (the encoder thread may be a little ahead of this output); the
        // warnings that fall in this file, relative to it.
        const SignalMonitor::SidecarView view = signal->sidecarView();
        char levels[128];
        std::snprintf(levels, sizeof(levels), ",\"signal\":{\"maxPeak\":%.6g,\"fullScaleSamples\":%lld,\"warnings\":[",
                      double(view.maxPeak), (long long)view.fullScaleSamples);
        json += levels;
        const auto runs = signalRuns(segment, view.runs);
        for (size_t i = 0; i < runs.size(); ++i)
        {
            char run[160];
            std::snprintf(run, sizeof(run),
                          "{\"frame\":%lld,\"frames\":%lld,\"seconds\":%.6f,\"durationSeconds\":%.6f,\"silence\":%s,"
                          "\"value\":%.6g,\"text\":",
                          (long long)runs[i].position, (long long)runs[i].numFrames,
                          double(runs[i].position) / sampleRate, double(runs[i].numFrames) / sampleRate,
                          runs[i].silence ? "true" : "false", double(runs[i].value));
            if (i > 0)
                json += ',';
            json += run;
            json += jsonQuote(runs[i].describe(sampleRate));
            json += '}';
        }
        json += "]}";
    }
    if (withVideo && videoSource != nullptr && videoSource->active.load(std::memory_order_acquire))
        json += ",\"videoSource\":" + videoSource->snapshot().toJson(); // the whole recording's, not per segment
    json += ",\"error\":" + (errorMessage.empty() ? std::string("null") : jsonQuote(errorMessage)) + "}\n";

    // Written beside the file via a temporary and a rename, so a crash never leaves a half-written sidecar.
    const std::string path = segment.path + ".drops.json";
    const std::string temporary = path + ".tmp";
    if (FILE* file = std::fopen(temporary.c_str(), "wb"))
    {
        const bool written = std::fwrite(json.data(), 1, json.size(), file) == json.size();
        if (std::fclose(file) == 0 && written)
            std::rename(temporary.c_str(), path.c_str());
        else
            std::remove(temporary.c_str());
    }
}

} // namespace capstan
