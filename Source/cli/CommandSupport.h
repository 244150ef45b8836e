#pragma once

#include "ArgumentParser.h"

#include <capstan/media/Formats.h>

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

/** False for '-' (standard input or output), URLs (scheme://, pipe:) and empty text: true for a file path. */
bool isLocalFilePath(const std::string& path);

/** True when two paths name one file: the same device and inode when both exist (so symlinks, hard links and
    "./a/../a.wav" count), otherwise the same place once the existing part of each path is resolved. */
bool sameFile(const std::string& a, const std::string& b);

/** `--OPTION WxH` for a yuv420p picture: even sides from 16 to 7680; a UsageError naming the option otherwise. */
std::pair<int, int> parsePictureSize(const std::string& option, const std::string& text);
/** `--OPTION R`: a positive frame rate up to 240 ("20", "30000/1001"); a UsageError naming the option otherwise. */
Rational parsePictureRate(const std::string& option, const std::string& text);

/** "1.5 MiB", "312 B". */
std::string formatBytes(int64_t bytes);

/** "repaired N samples: ... NaN/Inf written as silence, ... clipped, first at T s (K places)", or "" when nothing
    was repaired: the one wording every command uses for StreamWriter's sample repairs. */
std::string describeRepairs(int64_t nonFiniteSamples, int64_t clippedSamples, double firstSeconds, int64_t places);

} // namespace capstan::cli
