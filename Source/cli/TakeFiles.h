#pragma once

#include <capstan/realtime/RecorderConfig.h>

#include <string>
#include <vector>

namespace capstan::cli
{

/** The files of one `capstan record` take, settled before the recorder opens anything. Refuses two outputs that
    are one file (by any path) and an output that is the --source file. Never overwrites: when a name is taken
    the whole take is numbered as the plugin numbers its takes (TakeNamer: "take.flac" -> "take-2.flac"), and its
    files are reserved by exclusive create so that two recordings never share one. Reservations that are still
    empty when it goes away (the recording never started) are removed. URLs are left as they are. */
class TakeFiles
{
public:
    /** Rewrites config.outputs' file paths to the names chosen; `sourceFile` is the --source file: path or "". */
    TakeFiles(RecorderConfig& config, const std::string& sourceFile);
    ~TakeFiles();
    TakeFiles(const TakeFiles&) = delete;
    TakeFiles& operator=(const TakeFiles&) = delete;

    /** One note per output that got another name than asked: "'take.flac' exists: this take is 'take-2.flac'". */
    const std::vector<std::string>& notes() const { return renamed; }

private:
    std::vector<std::string> reserved;
    std::vector<std::string> renamed;
};

} // namespace capstan::cli
