#pragma once

#include <capstan/session/TakeRecorder.h>

#include <juce_gui_basics/juce_gui_basics.h>

namespace capstan::app
{

/** The always-visible health of the take: elapsed time, file size, drops (how many, how long, and when), encoder
    lag, disk time left, device dropouts and blocks that skipped the chain, one cell each. Cells turn orange or red when
    they need attention. */
class HealthPanel final : public juce::Component
{
public:
    struct Extra
    {
        int deviceXruns = -1;          ///< -1: the device does not count them
        int64_t chainPassThroughs = 0; ///< blocks the chain let through unprocessed (a change was being made)
        double freeBytes = -1;         ///< on the take's volume, when the recorder does not estimate it
        double bytesPerSecond = 0;     ///< what the chosen formats will write, for "disk left" before a take
    };

    void update(const TakeRecorder::Status& status, const Extra& extra);
    void paint(juce::Graphics& g) override;

    static juce::String formatTime(double seconds);
    static juce::String formatBytes(int64_t bytes);
    /** "disk left" in one format, whatever it is based on: "2 h 05 min", "12 min", "< 1 min", "> 100 h". */
    static juce::String formatTimeLeft(double seconds);
    /** An upper bound of the bytes per second `settings` write at `rate` and `channels` (all files of a take; the
        spectrum video counted at 2 Mbit/s), for the disk estimate before a take. */
    static double estimateBytesPerSecond(const TakeSettings& settings, double rate, int channels);
    /** "no drops" or "3 drops, 1536 frames, at 0:12, 0:40": the times are when the display saw the count rise. */
    juce::String dropsText() const;
    /** NaN/Inf samples written as silence and absurd magnitudes clipped in the take, or "none". */
    juce::String repairsText() const;
    /** The video source of the take (or of the last one), empty when none was recorded: "VIDEO lavfi testsrc2
        640x360 @ 30 fps: 150 captured, 0 duplicated, 0 skipped, 0 refused, drift +0 ppm", then its problem when it
        ended or failed. Shown as a line under the cells. */
    juce::String videoText() const;
    /** The cells' row, plus the video line when there is one. */
    int preferredHeight() const { return videoLine.isEmpty() ? 64 : 88; }

private:
    struct Cell
    {
        juce::String title, value;
        juce::Colour colour;
    };
    std::vector<Cell> cells;
    juce::String videoLine;
    juce::Colour videoColour;
    int64_t lastDropCount = 0;
    juce::StringArray dropTimes;
    int lastTakes = -1;
    TakeRecorder::Status shown;
};

} // namespace capstan::app
