#pragma once

#include "ArgumentParser.h"

#include <optional>
#include <string>
#include <vector>

namespace capstan::cli
{

/** FFmpeg's own log: silent by default (its errors reach the user inside capstan::Error), all of it with --verbose. */
void setFfmpegVerbose(bool verbose);

/** Adds the `--verbose` flag every command takes. */
ArgumentParser& addVerboseFlag(ArgumentParser& parser);
/** Applies `--verbose` when given. */
void applyVerbosity(const ParsedArguments& arguments);

/** Parses a command's words: prints its help and returns nothing when --help was asked for, applies --verbose. */
std::optional<ParsedArguments> parseCommandLine(const ArgumentParser& parser, const std::vector<std::string>& args);

/** Progress and live stats go to stderr only when a person is watching it. */
bool stderrIsTerminal();

/** "1.5 MiB", "312 B". */
std::string formatBytes(int64_t bytes);

} // namespace capstan::cli
