#include "OutputFile.h"

#include "CommandSupport.h"

#include <capstan/media/Error.h>
#include <capstan/media/NetworkUrl.h>

#include <cstdio>
#include <filesystem>
#include <sys/stat.h>
#include <unistd.h>

namespace capstan::cli
{

namespace
{
namespace fs = std::filesystem;

struct FileState
{
    bool exists = false;
    bool regular = false;
    int64_t size = 0;
    int64_t modified = 0;
};

FileState stateOf(const std::string& path)
{
    struct stat info
    {
    };
    if (::stat(path.c_str(), &info) != 0)
        return {};
    return {true, S_ISREG(info.st_mode), int64_t(info.st_size),
            int64_t(info.st_mtim.tv_sec) * 1'000'000'000 + info.st_mtim.tv_nsec};
}
} // namespace

ArgumentParser& addOverwriteFlags(ArgumentParser& parser)
{
    return parser.flag("overwrite", "replace OUTPUT if it exists (ffmpeg's -y)", "y")
        .flag("no-overwrite",
              "never replace an existing OUTPUT: stop instead (ffmpeg's -n; the default without a "
              "terminal to ask on)",
              "n");
}

OutputFile::OutputFile(std::string path, const std::string& format)
    : outputPath(std::move(path)), file(isLocalFilePath(outputPath) && !NetworkUrl::isOutputDevice(format))
{
}

void OutputFile::refuseInput(const std::string& input, const std::string& inputName) const
{
    if (file && isLocalFilePath(input) && sameFile(outputPath, input))
        throw Error("the output '" + outputPath + "' is the input " +
                    (inputName == "INPUT" ? "'" + input + "'" : inputName + input) +
                    " (the same file): writing it would destroy what is being read; choose another output name");
}

void OutputFile::checkFolder() const
{
    if (!file)
        return;
    // Folders are not created: a typo in a path should not quietly make a new tree (ffmpeg does not either).
    const fs::path parent = fs::path(outputPath).parent_path();
    std::error_code error;
    if (!parent.empty() && !fs::is_directory(parent, error))
        throw Error("cannot write '" + outputPath + "': the folder '" + parent.string() +
                    (fs::exists(parent, error) ? "' is not a folder" : "' does not exist (create it first)"));
    if (fs::is_directory(outputPath, error))
        throw Error("the output '" + outputPath + "' is a folder; give a file name (e.g. '" +
                    (fs::path(outputPath) / "out.wav").string() + "')");
}

void OutputFile::checkOverwrite(const ParsedArguments& arguments, bool mayAsk)
{
    if (!file)
        return;
    const bool overwrite = arguments.has("overwrite");
    const bool noOverwrite = arguments.has("no-overwrite");
    if (overwrite && noOverwrite)
        throw UsageError("-y/--overwrite and -n/--no-overwrite contradict each other; give one of them");

    checkFolder();
    const FileState before = stateOf(outputPath);
    existedBefore = before.exists;
    sizeBefore = before.size;
    modifiedBefore = before.modified;
    if (!before.exists || !before.regular) // devices and FIFOs (/dev/null) are written, not replaced
        return;
    if (noOverwrite)
        throw Error("'" + outputPath + "' already exists and -n/--no-overwrite was given: not overwriting it");
    if (overwrite)
        return;
    if (mayAsk && ::isatty(STDIN_FILENO) == 1 && ::isatty(STDERR_FILENO) == 1)
    {
        std::fprintf(stderr, "File '%s' already exists. Overwrite? [y/N] ", outputPath.c_str());
        std::fflush(stderr);
        char answer[16] = {};
        if (std::fgets(answer, sizeof(answer), stdin) != nullptr && (answer[0] == 'y' || answer[0] == 'Y'))
            return;
        throw Error("not overwriting '" + outputPath + "' (answered no; -y replaces it without asking)");
    }
    throw Error("'" + outputPath + "' already exists; add -y (--overwrite) to replace it, or choose another name");
}

void OutputFile::checkStillThere() const
{
    if (file && !stateOf(outputPath).exists)
        throw Error("the output '" + outputPath +
                    "' was removed (or its folder vanished) while it was being written: what was encoded is lost");
}

std::string OutputFile::cleanUpAfterFailure() const
{
    if (!file)
        return {};
    const FileState now = stateOf(outputPath);
    if (!now.exists || !now.regular)
        return {};
    if (existedBefore)
    {
        if (now.size == sizeBefore && now.modified == modifiedBefore)
            return {}; // never opened: the user's file is untouched
        return "; '" + outputPath + "' existed before and was being replaced (-y): it now holds the " +
               formatBytes(now.size) + " written before the failure";
    }
    std::error_code error;
    if (fs::remove(outputPath, error))
        return "; the partial output '" + outputPath + "' (" + formatBytes(now.size) + ") was removed";
    return "; the partial output '" + outputPath + "' (" + formatBytes(now.size) +
           ") is left: it could not be removed (" + error.message() + ")";
}

int OutputFile::runOrCleanUp(const std::function<int()>& body) const
{
    return runOrCleanUp(std::span<const OutputFile>(this, 1), body);
}

int OutputFile::runOrCleanUp(std::span<const OutputFile> outputs, const std::function<int()>& body)
{
    const auto cleanUp = [&]
    {
        std::string notes;
        for (const auto& output : outputs)
            notes += output.cleanUpAfterFailure();
        return notes;
    };
    try
    {
        return body();
    }
    catch (const UsageError& e)
    {
        throw UsageError(e.what() + cleanUp());
    }
    catch (const Error& e)
    {
        throw Error(e.what() + cleanUp(), e.ffmpegErrorCode());
    }
    catch (const std::exception& e)
    {
        throw Error(e.what() + cleanUp());
    }
}

} // namespace capstan::cli
