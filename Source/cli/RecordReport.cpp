#include "RecordReport.h"

#include "CommandSupport.h"

#include <capstan/media/Error.h>
#include <capstan/media/NetworkUrl.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>

namespace capstan::cli
{

namespace
{
std::string formatSeconds(double seconds)
{
    if (seconds < 0)
        return "?";
    char text[64];
    if (seconds >= 3600)
        std::snprintf(text, sizeof(text), "%.1f h", seconds / 3600);
    else if (seconds >= 60)
        std::snprintf(text, sizeof(text), "%.1f min", seconds / 60);
    else
        std::snprintf(text, sizeof(text), "%.1f s", seconds);
    return text;
}

std::string formatDbfs(double dbfs)
{
    if (!std::isfinite(dbfs))
        return "-inf";
    char text[16];
    std::snprintf(text, sizeof(text), "%+.1f", dbfs);
    return text;
}

/** A 10-character bar from -60 to 0 dBFS; the last mark turns to '!' at full scale. */
std::string meterBar(double dbfs)
{
    const int marks = std::isfinite(dbfs) ? std::clamp(int(std::lround((dbfs + 60.0) / 6.0)), 0, 10) : 0;
    std::string bar = std::string(size_t(marks), '#') + std::string(size_t(10 - marks), '-');
    if (dbfs >= 0)
        bar.back() = '!';
    return "[" + bar + "]";
}

/** One line per network output at the end: its state, what was not sent, and its connection history. */
void printNetworkSummary(const RecorderStats::Snapshot& s)
{
    for (const auto& output : s.outputs)
    {
        if (!output.network)
            continue;
        std::printf("stream %s: %s, sent %.3f s, not sent %.3f s (%lld frames", output.destination.c_str(),
                    output.stateName(), double(output.framesWritten) / std::max(1, s.sampleRate), output.secondsNotSent,
                    (long long)output.framesNotSent);
        if (output.videoFramesNotSent > 0)
            std::printf(", %lld video frames", (long long)output.videoFramesNotSent);
        std::printf("), %lld disconnect(s), %lld reconnect(s)", (long long)output.disconnects,
                    (long long)output.reconnects);
        if (output.resumedAtSeconds >= 0)
            std::printf(", last resumed at %.3f s", output.resumedAtSeconds);
        std::printf(", %s sent\n", formatBytes(output.bytesWritten).c_str());
        if (!output.lastError.empty() && output.state != OutputCounters::State::failed)
            std::printf("warning: stream %s was interrupted: %s\n", output.destination.c_str(),
                        output.lastError.c_str());
    }
}

void writeStatsJson(const std::string& path, const RecorderStats::Snapshot& stats,
                    const std::vector<std::string>& files)
{
    std::string json = stats.toJson();
    std::string list = ",\"files\":[";
    for (size_t i = 0; i < files.size(); ++i)
    {
        std::string escaped;
        for (const char c : files[i])
            escaped += (c == '"' || c == '\\') ? std::string("\\") + c : std::string(1, c);
        list += (i ? ",\"" : "\"") + escaped + "\"";
    }
    json.insert(json.size() - 1, list + "]");
    std::ofstream out(path);
    out << json << '\n';
    if (!out)
        throw Error("--stats-json: cannot write '" + path + "'");
}
} // namespace

RecordReport::RecordReport(bool live_, std::string silenceHint, bool sidecars)
    : live(live_), hint(std::move(silenceHint)), listed(sidecars ? "; listed in the .drops.json sidecars" : "")
{
}

void RecordReport::update(const RecorderStats::Snapshot& stats)
{
    if (live)
    {
        printStatusLine(stats);
        return;
    }
    // Not a terminal (a log, a service): each warning once, when it starts, as a line of its own.
    if (stats.silenceWarnings > warningsPrinted && !stats.signalWarning.empty())
    {
        warningsPrinted = stats.silenceWarnings;
        std::fprintf(stderr, "capstan: warning: %s (still recording)%s%s\n", stats.signalWarning.c_str(),
                     hint.empty() ? "" : "; ", hint.c_str());
        std::fflush(stderr);
    }
}

void RecordReport::printStatusLine(const RecorderStats::Snapshot& s) const
{
    // Levels first: a glance tells whether anything arrives and whether it clips.
    std::string level;
    if (s.peaks.size() <= 2)
        for (size_t c = 0; c < s.peaks.size(); ++c)
            level += (c ? "/" : "") + formatDbfs(toDbfs(s.peaks[c]));
    else
        level = formatDbfs(s.peakDbfs()) + " max of " + std::to_string(s.peaks.size());
    std::fprintf(stderr,
                 "\r%8.1f s  %s %s dBFS  clip %lld  queue %d/%d  dropped %lld  lag %.3f s  %s  disk full in %s ",
                 s.secondsPushed(), meterBar(s.peakDbfs()).c_str(), level.c_str(), (long long)s.fullScaleSamples,
                 s.queueFill, s.queueCapacity, (long long)s.droppedFrames, s.encoderLagSeconds,
                 formatBytes(s.bytesWritten).c_str(), formatSeconds(s.secondsUntilDiskFull).c_str());
    if (s.nonFiniteSamples + s.clippedSamples > 0)
        std::fprintf(stderr, " repaired %lld ", (long long)(s.nonFiniteSamples + s.clippedSamples));
    if (!s.signalWarning.empty())
        std::fprintf(stderr, " | %s ", s.signalWarning.c_str());
    // A video source: what reaches the file, and what the drift correction and the encoder cost.
    if (const auto& video = s.videoSource; video.active)
    {
        std::fprintf(stderr, "| video %lld fr, dup %lld, skip %lld, refused %lld, %+.0f ppm ",
                     (long long)video.framesPushed, (long long)video.framesDuplicated, (long long)video.framesSkipped,
                     (long long)video.framesRefused, video.driftPpm);
        if (!video.problem.empty())
            std::fputs("(source ended) ", stderr);
    }
    // Network outputs: their state and what they could not send.
    for (const auto& output : s.outputs)
        if (output.network)
            std::fprintf(stderr, "| %s %s, not sent %.1f s ", output.destination.c_str(), output.stateName(),
                         output.secondsNotSent);
    std::fputs("\033[K", stderr); // clear what a longer previous line left
    std::fflush(stderr);
}

void RecordReport::endLive()
{
    if (live)
        std::fputc('\n', stderr);
}

int RecordReport::finish(const ParsedArguments& arguments, const Recorder& recorder, double wall, double stopSeconds)
{
    const RecorderConfig& config = recorder.config();
    const auto stats = recorder.stats();
    const auto files = recorder.files();
    const auto errors = recorder.errors();
    std::printf("recorded %.3f s (%lld frames, %lld callbacks) in %.3f s wall (%.1fx real time), stop took %.1f ms\n",
                double(stats.framesWritten) / config.sampleRate, (long long)stats.framesWritten,
                (long long)stats.callbacks, wall,
                wall > 0 ? double(stats.framesPushed) / config.sampleRate / wall : 0.0, stopSeconds * 1e3);
    for (const auto& file : files)
        std::printf("  %s\n", NetworkUrl::forDisplay(file).c_str()); // no rtmp stream keys on the screen
    std::printf("written %s, queue high-water %d of %d blocks\n", formatBytes(stats.bytesWritten).c_str(),
                stats.queueHighWater, stats.queueCapacity);
    std::printf("level: peak %s dBFS, %lld sample(s) at full scale\n", formatDbfs(toDbfs(stats.maxPeak)).c_str(),
                (long long)stats.fullScaleSamples);
    printNetworkSummary(stats);
    if (const auto& video = stats.videoSource; video.active)
    {
        std::printf("video: %s; %lld written\n", video.describe().c_str(), (long long)stats.videoFramesWritten);
        if (!video.problem.empty())
            std::printf("warning: %s\n", video.problem.c_str());
        if (video.framesRefused > 0)
            std::printf("warning: %lld video frame(s) refused: the video encoder fell behind (a smaller --video-size "
                        "or a lower --fps, or a faster machine)%s\n",
                        (long long)video.framesRefused, listed.c_str());
    }
    if (stats.droppedFrames > 0)
        std::printf("warning: dropped %lld frames in %lld interval(s): written as silence%s\n",
                    (long long)stats.droppedFrames, (long long)stats.dropIntervals, listed.c_str());
    int64_t places = 0;
    for (const auto& output : stats.outputs)
        places = std::max(places, output.repairIntervals);
    if (const auto text =
            describeRepairs(stats.nonFiniteSamples, stats.clippedSamples, stats.firstRepairSeconds, places);
        !text.empty())
        std::printf("warning: %s%s\n", text.c_str(), listed.c_str());
    if (stats.fullScaleSamples > 0)
        std::printf("warning: %lld sample(s) at or beyond full scale (clipping)\n", (long long)stats.fullScaleSamples);
    if (stats.silenceWarnings > 0)
    {
        std::printf("warning: %s", stats.lastSignalWarning.c_str());
        if (stats.silenceWarnings > 1)
            std::printf(" (the latest of %lld)", (long long)stats.silenceWarnings);
        std::printf("%s%s%s\n", listed.c_str(), hint.empty() ? "" : "; ", hint.c_str());
    }

    if (const auto path = arguments.getOptional("stats-json"))
        writeStatsJson(*path, stats, files);
    if (!errors.empty())
    {
        for (size_t i = 1; i < errors.size(); ++i)
            std::fprintf(stderr, "capstan: error: %s\n", errors[i].c_str());
        throw Error(errors.front());
    }
    return 0;
}

} // namespace capstan::cli
