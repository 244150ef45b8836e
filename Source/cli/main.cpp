// The `capstan` command-line tool: a table of commands, each in its own file pair.

#include "ArgumentParser.h"
#include "CommandSupport.h"
#include "DemoCommand.h"
#include "DevicesCommand.h"
#include "EncodeCommand.h"
#include "EncoderCommand.h"
#include "EncodersCommand.h"
#include "InterruptGuard.h"
#include "MuxersCommand.h"
#include "RecordCommand.h"
#include "StudyCommand.h"
#include "VisualizeCommand.h"

#include <capstan/media/Error.h>

#include <cstdio>
#include <exception>
#include <string>
#include <string_view>
#include <vector>

namespace
{
using capstan::cli::UsageError;

struct Command
{
    std::string_view name;
    std::string_view summary;
    int (*run)(const std::vector<std::string>& args);
};

// One line per command. `record` joins here as: {"record", "...", capstan::cli::runRecordCommand},
const Command commands[] = {
    {"encode", "decode any media file or URL and encode it through StreamWriter", capstan::cli::runEncodeCommand},
    {"encoders", "list the encoders this FFmpeg build offers", capstan::cli::runEncodersCommand},
    {"encoder", "show one encoder's formats and options, e.g. `encoder libopus`", capstan::cli::runEncoderCommand},
    {"muxers", "list the output formats this FFmpeg build offers", capstan::cli::runMuxersCommand},
    {"demo", "write the StreamWriter tutorial's examples into a folder and check them", capstan::cli::runDemoCommand},
    {"visualize", "draw audio as a spectrum video with the audio track (mp4)", capstan::cli::runVisualizeCommand},
    {"record", "record a source in real time into one or more outputs at once", capstan::cli::runRecordCommand},
    {"devices", "list the audio inputs (ALSA, JACK): channels, rates, the default", capstan::cli::runDevicesCommand},
    {"study", "run a measured study, e.g. `study slicing` (AAC slice artifacts)", capstan::cli::runStudyCommand},
};

std::string commandNames()
{
    std::string names;
    for (const auto& command : commands)
        names += (names.empty() ? "" : ", ") + std::string(command.name);
    return names;
}

void printHelp(std::FILE* to)
{
    std::fprintf(to, "usage: capstan [--verbose] COMMAND [options] ...\n\n"
                     "Capstan encodes audio and video with FFmpeg, chunk-size invariant.\n\ncommands:\n");
    for (const auto& command : commands)
        std::fprintf(to, "  %-12s %.*s\n", std::string(command.name).c_str(), int(command.summary.size()),
                     command.summary.data());
    std::fprintf(to,
                 "\noptions:\n  %-12s %s\n  %-12s %s\n  %-12s %s\n\n`capstan COMMAND --help` describes a command.\n"
                 "Exit codes: 0 success, 1 runtime failure, 2 usage error.\n",
                 "--verbose", "show FFmpeg's own log (silent by default; its errors are part of capstan's message)",
                 "--version", "print the version", "-h, --help", "show this help");
}

int fail(int code, std::string message)
{
    // Exactly one line, whatever the message carries.
    for (auto& c : message)
        if (c == '\n' || c == '\r')
            c = ' ';
    while (!message.empty() && message.back() == ' ')
        message.pop_back();
    std::fflush(stdout);
    std::fprintf(stderr, "capstan: error: %s\n", message.c_str());
    return code;
}
} // namespace

int main(int argc, char** argv)
{
    capstan::cli::setFfmpegVerbose(false);
    capstan::cli::InterruptGuard::ignoreWriteSignals();
    std::vector<std::string> args(argv + 1, argv + argc);
    if (args.empty())
    {
        printHelp(stderr); // like ffmpeg: the usage, and a usage error's exit code
        return 2;
    }

    try
    {
        size_t first = 0;
        for (; first < args.size() && args[first].rfind("-", 0) == 0; ++first)
        {
            const auto& arg = args[first];
            if (arg == "-h" || arg == "--help")
            {
                printHelp(stdout);
                return 0;
            }
            if (arg == "--version")
            {
                std::printf("capstan %s\n", CAPSTAN_VERSION);
                return 0;
            }
            if (arg == "--verbose")
                capstan::cli::setFfmpegVerbose(true);
            else
                throw UsageError("unknown option '" + arg + "' (see capstan --help)");
        }
        if (first == args.size())
            throw UsageError("no command given; commands: " + commandNames() + " (see capstan --help)");

        const std::string& name = args[first];
        for (const auto& command : commands)
            if (command.name == name)
                return command.run(std::vector<std::string>(args.begin() + std::ptrdiff_t(first) + 1, args.end()));
        throw UsageError("unknown command '" + name + "'; commands: " + commandNames());
    }
    catch (const UsageError& e)
    {
        return fail(2, e.what());
    }
    catch (const capstan::Error& e)
    {
        return fail(1, e.what());
    }
    catch (const std::exception& e)
    {
        return fail(1, e.what());
    }
}
