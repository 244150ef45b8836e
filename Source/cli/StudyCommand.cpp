#include "StudyCommand.h"

#include "ArgumentParser.h"
#include "CommandSupport.h"

#include <capstan/visual/SlicingReport.h>
#include <capstan/visual/SlicingStudy.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <sstream>

namespace capstan::cli
{
namespace
{
ArgumentParser makeParser()
{
    ArgumentParser parser("capstan study",
                          "The AAC slice-artifact study: generated speech-like and music-like audio encoded with aac, "
                          "libmp3lame and libopus in slices of 8000 ... 64 samples, once as FFmpeg 4.x writers did "
                          "(short frames zero-filled) and once through Capstan's StreamWriter; decoded, measured, "
                          "and written up with figures into --out.");
    parser.positional("STUDY", "the study to run: slicing")
        .option("out", "DIR", "folder for README.md and the PNG figures (required), e.g. Docs/slicing")
        .option("work", "DIR", "folder for the encoded files (default: OUT/work, removed afterwards)")
        .option("seconds", "S", "signal duration in seconds (default 4)")
        .option("slices", "N,N,...", "slice sizes in samples (default 8000,4096,1024,512,256,64)")
        .flag("keep", "keep the encoded files");
    addVerboseFlag(parser);
    parser.epilog("studies:\n  slicing   the AAC slice-artifact study (the only one so far)\n\nexample:\n  capstan "
                  "study slicing --out Docs/slicing");
    return parser;
}
} // namespace

int runStudyCommand(const std::vector<std::string>& args)
{
    const ArgumentParser parser = makeParser();
    const auto parsed = parseCommandLine(parser, args);
    if (!parsed)
        return 0; // --help was printed
    const ParsedArguments& a = *parsed;
    if (a.positional("STUDY") != "slicing")
        throw UsageError("unknown study '" + a.positional("STUDY") + "'; studies: slicing");
    if (!a.has("out"))
        throw UsageError("study slicing needs --out DIR (e.g. --out Docs/slicing)");

    const std::filesystem::path out = a.get("out");
    SlicingStudyConfig config;
    config.workDir = a.has("work") ? std::filesystem::path(a.get("work")) : out / "work";
    if (a.has("seconds"))
    {
        try
        {
            config.seconds = std::stod(a.get("seconds"));
        }
        catch (const std::exception&)
        {
            throw UsageError("--seconds takes a number of seconds, e.g. 4, got '" + a.get("seconds") + "'");
        }
    }
    if (a.has("slices"))
    {
        config.sliceSizes.clear();
        std::stringstream list(a.get("slices"));
        std::string item;
        while (std::getline(list, item, ','))
        {
            char* end = nullptr;
            const long long value = std::strtoll(item.c_str(), &end, 10);
            if (item.empty() || *end != '\0' || value <= 0 || value > 10'000'000)
                throw UsageError("--slices takes positive sample counts separated by commas, e.g. 8000,512, got '" +
                                 a.get("slices") + "'");
            config.sliceSizes.push_back(value);
        }
    }

    const auto started = std::chrono::steady_clock::now();
    SlicingStudy study(config);
    const bool verboseProgress = stderrIsTerminal();
    const auto results = study.run(
        [&](const std::string& step)
        {
            if (verboseProgress)
                std::fprintf(stderr, "\rcapstan: study slicing: %-48s", step.c_str());
        });
    if (verboseProgress)
        std::fprintf(stderr, "\n");
    SlicingReport::write(config, results, out);
    if (!a.has("keep"))
    {
        std::error_code ignored;
        std::filesystem::remove_all(config.workDir, ignored);
    }
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    std::printf("capstan: study slicing: %zu encodes measured in %.1f s; wrote %s\n", results.size(), seconds,
                (out / "README.md").string().c_str());
    return 0;
}

} // namespace capstan::cli
