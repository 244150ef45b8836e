#pragma once

#include <string>
#include <vector>

namespace capstan
{

/** Runs a program for the slicing study (the `ffmpeg` CLI for spectrograms, python3 for torchaudio): looked up in
    PATH, no shell, stdin from /dev/null, its stdout and stderr collected. */
class ChildProcess
{
public:
    struct Result
    {
        int exitCode = -1; ///< -1 when it could not be started or did not exit normally
        std::string out, err;
    };

    static Result run(const std::vector<std::string>& args);
};

} // namespace capstan
