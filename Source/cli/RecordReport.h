#pragma once

#include "ArgumentParser.h"

#include <capstan/realtime/Recorder.h>

#include <string>

namespace capstan::cli
{

/** What `capstan record` tells the user while and after it records: the live status line (with a level meter, as
    `arecord -vv` and `sox rec` show one), signal warnings, and the end summary with --stats-json. */
class RecordReport
{
public:
    /** `live`: stderr is a terminal (a status line redrawn in place). `silenceHint`: said after a signal warning
        (e.g. why ALSA's jack device records silence); may be empty. */
    RecordReport(bool live, std::string silenceHint, bool sidecars);

    /** At every poll while recording: redraws the status line on a terminal; otherwise prints a signal warning
        once, as a line of its own, when it starts. */
    void update(const RecorderStats::Snapshot& stats);
    /** Ends the status line (a terminal) before the summary. */
    void endLive();
    /** The summary every source ends with: totals, files, drops, levels, warnings, --stats-json, output errors
        (thrown as the first one). Returns the exit code. */
    int finish(const ParsedArguments& arguments, const Recorder& recorder, double wall, double stopSeconds);

private:
    void printStatusLine(const RecorderStats::Snapshot& s) const;

    bool live;
    std::string hint;
    std::string listed; ///< "; listed in the .drops.json sidecars" unless there are none
    int64_t warningsPrinted = 0;
};

} // namespace capstan::cli
