#include "HealthPanel.h"

#include <capstan/session/TimeLeft.h>

namespace capstan::app
{

namespace
{
const juce::Colour okColour(0xffdfe6ee), warnColour(0xfff39c12), badColour(0xffe74c3c);
}

juce::String HealthPanel::formatTime(double seconds)
{
    const int total = int(seconds);
    const int tenths = int((seconds - total) * 10.0);
    return juce::String(total / 3600) + ":" + juce::String((total / 60) % 60).paddedLeft('0', 2) + ":" +
           juce::String(total % 60).paddedLeft('0', 2) + "." + juce::String(tenths);
}

juce::String HealthPanel::formatBytes(int64_t bytes)
{
    if (bytes < 1024 * 1024)
        return juce::String(double(bytes) / 1024.0, 1) + " KiB";
    if (bytes < int64_t(1024) * 1024 * 1024)
        return juce::String(double(bytes) / (1024.0 * 1024.0), 2) + " MiB";
    return juce::String(double(bytes) / (1024.0 * 1024.0 * 1024.0), 2) + " GiB";
}

juce::String HealthPanel::formatTimeLeft(double seconds)
{
    return juce::String(capstan::formatTimeLeft(seconds)); // the plugin's format too
}

double HealthPanel::estimateBytesPerSecond(const TakeSettings& settings, double rate, int channels)
{
    auto formats = settings.extraFormats;
    formats.insert(formats.begin(), settings.format);
    double total = 0;
    for (auto format : formats)
    {
        const double pcm24 = rate * channels * 3; // FLAC never needs much more than 24-bit PCM
        switch (format)
        {
        case RecordingFormat::wav16:
            total += rate * channels * 2;
            break;
        case RecordingFormat::wav24:
        case RecordingFormat::flac:
            total += pcm24;
            break;
        case RecordingFormat::wav32f:
            total += rate * channels * 4;
            break;
        case RecordingFormat::mkvVideo:
            total += pcm24 + 250000;
            break;
        case RecordingFormat::mp4Video:
            total += 250000 + settings.bitrateKbps * 125.0;
            break;
        default:
            total += settings.bitrateKbps * 125.0;
        }
    }
    return total;
}

juce::String HealthPanel::dropsText() const
{
    if (shown.dropCount == 0)
        return "none";
    juce::String text = juce::String(shown.dropCount) + (shown.dropCount == 1 ? " drop, " : " drops, ") +
                        juce::String(shown.droppedFrames) + " frames";
    if (!dropTimes.isEmpty())
        text << " at " << dropTimes.joinIntoString(", ");
    return text;
}

juce::String HealthPanel::repairsText() const
{
    if (shown.nonFiniteSamples == 0 && shown.clippedSamples == 0)
        return "none";
    juce::StringArray parts;
    if (shown.nonFiniteSamples > 0)
        parts.add(juce::String(shown.nonFiniteSamples) + " NaN/Inf silenced");
    if (shown.clippedSamples > 0)
        parts.add(juce::String(shown.clippedSamples) + " over +60 dB clipped");
    juce::String text = parts.joinIntoString(", ");
    if (shown.firstRepairSeconds >= 0)
        text << ", first at " << formatTime(shown.firstRepairSeconds).upToLastOccurrenceOf(".", false, false);
    return text;
}

juce::String HealthPanel::videoText() const
{
    const auto& video = shown.videoSource;
    if (!video.active)
        return {};
    auto text = "VIDEO " + juce::String(video.source) + ": " + juce::String(video.framesCaptured) + " captured, " +
                juce::String(video.framesDuplicated) + " duplicated, " + juce::String(video.framesSkipped) +
                " skipped, " + juce::String(video.framesRefused) + " refused, drift " +
                (video.driftPpm >= 0 ? "+" : "") + juce::String(juce::roundToInt(video.driftPpm)) + " ppm";
    if (!video.problem.empty())
        text << "  |  " << juce::String(video.problem);
    return text;
}

void HealthPanel::update(const TakeRecorder::Status& status, const Extra& extra)
{
    // A new take starts a new drop list.
    const bool active = status.state == TakeRecorder::State::recording || status.state == TakeRecorder::State::starting;
    if (active && status.takesCompleted != lastTakes && status.dropCount < lastDropCount)
        dropTimes.clear();
    if (status.dropCount < lastDropCount)
    {
        dropTimes.clear();
        lastDropCount = 0;
    }
    if (status.dropCount > lastDropCount)
    {
        dropTimes.add(formatTime(status.elapsedSeconds).upToLastOccurrenceOf(".", false, false));
        while (dropTimes.size() > 4)
            dropTimes.remove(0);
        lastDropCount = status.dropCount;
    }
    lastTakes = status.takesCompleted;
    shown = status;

    // Disk left is always a time: the recorder's estimate during a take, else the free space over the byte rate
    // measured so far, else over what the chosen formats will write (marked "~").
    double diskSeconds = status.secondsUntilDiskFull;
    bool estimated = false;
    if (diskSeconds < 0 && extra.freeBytes >= 0 && status.elapsedSeconds > 1 && status.bytesWritten > 0)
        diskSeconds = extra.freeBytes / (double(status.bytesWritten) / status.elapsedSeconds);
    if (diskSeconds < 0 && extra.freeBytes >= 0 && extra.bytesPerSecond > 0)
    {
        diskSeconds = extra.freeBytes / extra.bytesPerSecond;
        estimated = true;
    }
    juce::String disk = "-";
    juce::Colour diskColour = okColour;
    if (diskSeconds >= 0)
    {
        disk = (estimated ? "~ " : "") + formatTimeLeft(diskSeconds);
        diskColour = diskSeconds < 60 ? badColour : diskSeconds < 600 ? warnColour : okColour;
    }

    // Device over/underruns and blocks that went past the chain unprocessed while it was being edited.
    juce::String device = extra.deviceXruns < 0    ? juce::String("not counted")
                          : extra.deviceXruns == 0 ? juce::String("none")
                                                   : juce::String(extra.deviceXruns);
    if (extra.chainPassThroughs > 0)
        device << ", " << juce::String(extra.chainPassThroughs) << " blocks skipped the chain";

    cells = {
        {"ELAPSED", formatTime(status.elapsedSeconds), okColour},
        {"FILE SIZE", formatBytes(status.bytesWritten), okColour},
        {"DROPS", dropsText(), status.dropCount > 0 ? badColour : okColour},
        {"BAD SAMPLES", repairsText(),
         status.nonFiniteSamples > 0 || status.clippedSamples > 0 ? warnColour : okColour},
        {"ENCODER LAG", juce::String(juce::roundToInt(status.encoderLagSeconds * 1000.0)) + " ms",
         status.encoderLagSeconds > 1.0    ? badColour
         : status.encoderLagSeconds > 0.25 ? warnColour
                                           : okColour},
        {"DISK LEFT", disk, diskColour},
        {"DEVICE DROPOUTS", device, extra.deviceXruns > 0 || extra.chainPassThroughs > 0 ? warnColour : okColour},
    };
    // Refused frames are lost pictures; a source that ended or failed holds its last picture to the end.
    videoLine = videoText();
    videoColour = status.videoSource.framesRefused > 0 || !status.videoSource.problem.empty() ? warnColour : okColour;
    repaint();
}

void HealthPanel::paint(juce::Graphics& g)
{
    if (cells.empty())
        return;
    auto area = getLocalBounds();
    if (videoLine.isNotEmpty())
    {
        auto line = area.removeFromBottom(24).reduced(3, 2);
        g.setColour(juce::Colour(0xff1d2127));
        g.fillRoundedRectangle(line.toFloat(), 4.0f);
        g.setColour(videoColour);
        g.setFont(juce::Font(12.5f));
        g.drawFittedText(videoLine, line.reduced(8, 0), juce::Justification::centredLeft, 1, 0.6f);
    }
    const int width = area.getWidth() / int(cells.size());
    for (size_t i = 0; i < cells.size(); ++i)
    {
        auto cell = (i + 1 == cells.size() ? area : area.removeFromLeft(width)).reduced(3);
        g.setColour(juce::Colour(0xff1d2127));
        g.fillRoundedRectangle(cell.toFloat(), 4.0f);
        auto inner = cell.reduced(8, 4);
        g.setColour(juce::Colours::grey);
        g.setFont(juce::Font(11.0f, juce::Font::bold));
        g.drawText(cells[i].title, inner.removeFromTop(16), juce::Justification::left);
        g.setColour(cells[i].colour);
        g.setFont(juce::Font(cells[i].value.length() > 14 ? 13.0f : 18.0f));
        g.drawFittedText(cells[i].value, inner, juce::Justification::centredLeft, 2, 0.8f);
    }
}

} // namespace capstan::app
