#include "TakeFiles.h"

#include "ArgumentParser.h"
#include "CommandSupport.h"
#include "OutputFile.h"

#include <capstan/session/TakeNamer.h>

#include <filesystem>

namespace capstan::cli
{

namespace
{
namespace fs = std::filesystem;

std::string positionalName(size_t index)
{
    return index == 0 ? "OUTPUT" : "OUTPUT" + std::to_string(index + 1);
}
} // namespace

TakeFiles::TakeFiles(RecorderConfig& config, const std::string& sourceFile)
{
    std::vector<size_t> files;
    for (size_t i = 0; i < config.outputs.size(); ++i)
    {
        const std::string& path = config.outputs[i].path;
        if (!isLocalFilePath(path))
            continue;
        const OutputFile output(path);
        output.checkFolder();
        if (!sourceFile.empty())
            output.refuseInput(sourceFile, "--source file:");
        for (const size_t earlier : files)
            if (sameFile(config.outputs[earlier].path, path))
                throw UsageError(positionalName(earlier) + " '" + config.outputs[earlier].path + "' and " +
                                 positionalName(i) + " '" + path +
                                 "' are the same file: every output needs a file of its own");
        files.push_back(i);
    }
    if (files.empty())
        return;

    // A split take writes "<stem>-001<ext>" first (SegmentedOutput): that is the file that must be free.
    const bool split = config.splitSeconds > 0 || config.splitBytes > 0;
    const auto firstFile = [split](const std::string& path)
    {
        if (!split)
            return path;
        const fs::path p(path);
        return (p.parent_path() / (p.stem().string() + "-001" + p.extension().string())).string();
    };
    std::vector<std::string> asked;
    for (const size_t i : files)
        asked.push_back(config.outputs[i].path);
    const std::vector<std::string> chosen = TakeNamer::reserveNumbered(asked, firstFile);
    for (size_t k = 0; k < files.size(); ++k)
    {
        reserved.push_back(firstFile(chosen[k]));
        std::error_code error;
        if (chosen[k] != asked[k])
            renamed.push_back(fs::exists(firstFile(asked[k]), error)
                                  ? "'" + firstFile(asked[k]) + "' exists: this take is '" + firstFile(chosen[k]) + "'"
                                  : "this take is '" + firstFile(chosen[k]) + "' (numbered with its other files)");
        config.outputs[files[k]].path = chosen[k];
    }
}

TakeFiles::~TakeFiles()
{
    // The recorder writes over a reservation as soon as it opens it: one still empty was never recorded into.
    for (const auto& path : reserved)
    {
        std::error_code error;
        if (fs::is_regular_file(path, error) && fs::file_size(path, error) == 0 && !error)
            fs::remove(path, error);
    }
}

} // namespace capstan::cli
