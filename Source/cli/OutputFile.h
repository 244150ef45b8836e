#pragma once

#include "ArgumentParser.h"

#include <cstdint>
#include <functional>
#include <span>
#include <string>

namespace capstan::cli
{

/** A command's output when it is a local file (not '-', a URL or a device): keeps what the user already has safe.
    Before anything opens: refuses an output that is the input, a folder in the way or a missing folder, and applies
    ffmpeg's overwrite habits (-y, -n, ask on a terminal). After a failure: removes the partial file the command
    created, never one that existed before, and says which of the two happened. */
class OutputFile
{
public:
    /** `format`: the muxer asked for (a device format such as alsa makes the output no file). */
    explicit OutputFile(std::string path, const std::string& format = {});

    /** True for a local file path: the only kind of output these checks apply to. */
    bool isFile() const { return file; }
    const std::string& path() const { return outputPath; }

    /** Throws capstan::Error when this output is `input` by any path (same device and inode, through symlinks or
        "./a/../a.wav"); `inputName` is how the message names the input (e.g. "INPUT", "--source file:"). */
    void refuseInput(const std::string& input, const std::string& inputName = "INPUT") const;

    /** A folder in the way, or a parent folder that does not exist (it is not created): capstan::Error. */
    void checkFolder() const;

    /** checkFolder(), then, for an existing file: -y replaces it, -n refuses,
        neither asks like ffmpeg when stdin is a terminal (and `mayAsk`), otherwise refuses naming -y. Remembers what
        was there, for cleanUpAfterFailure(). */
    void checkOverwrite(const ParsedArguments& arguments, bool mayAsk = true);

    /** After the output was closed: a file that is no longer there (removed, or its folder gone, while the command
        wrote it; the writes went into a deleted file and succeeded) is a capstan::Error saying the output is lost. */
    void checkStillThere() const;

    /** After a failure: removes the file when this command created it; returns what became of it as the end of an
        error line ("; the partial output 'x' (12.0 KiB) was removed"), or "" when nothing was written. */
    std::string cleanUpAfterFailure() const;

    /** Runs `body`; on an exception cleans up and rethrows the same kind of error with cleanUpAfterFailure()'s note
        appended, so `encode` and `visualize` report failures alike. */
    int runOrCleanUp(const std::function<int()>& body) const;
    /** The same for a command with several outputs: after a failure each of them is cleaned up, and the error says
        what became of each one. */
    static int runOrCleanUp(std::span<const OutputFile> outputs, const std::function<int()>& body);

private:
    std::string outputPath;
    bool file = false;
    bool existedBefore = false;
    int64_t sizeBefore = -1;
    int64_t modifiedBefore = 0;
};

/** The -y/--overwrite and -n/--no-overwrite flags, as ffmpeg spells them. */
ArgumentParser& addOverwriteFlags(ArgumentParser& parser);

} // namespace capstan::cli
