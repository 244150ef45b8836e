#include "StudyCommand.h"

#include "ArgumentParser.h"
#include "CommandSupport.h"

#include <capstan/media/Error.h>
#include <capstan/visual/SlicingReport.h>
#include <capstan/visual/SlicingStudy.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace capstan::cli
{
namespace
{
ArgumentParser makeParser()
{
    ArgumentParser parser("capstan study",
                          "The AAC slice-artifact study: generated and recorded speech and music encoded with aac, "
                          "libmp3lame and libopus in slices of 8000 ... 64 samples, as FFmpeg 4.x writers did "
                          "(simulated: short frames zero-filled), through torchaudio's real StreamWriter when Python "
                          "can import it, and through Capstan's StreamWriter; decoded, measured, and written up with "
                          "figures into --out.");
    parser.positional("STUDY", "the study to run: slicing")
        .option("out", "DIR", "folder for README.md and the PNG figures (required), e.g. Docs/slicing")
        .option("work", "DIR", "folder for the encoded files (default: OUT/work, removed afterwards)")
        .option("seconds", "S", "signal duration in seconds (default 4)")
        .option("slices", "N,N,...", "slice sizes in samples (default 8000,4096,1024,512,256,64)")
        .option("signals", "NAME,...",
                "signals (default speech,music,recorded-speech,recorded-music; the recorded ones come from "
                "alsa-utils and sonic-pi-samples and are skipped, saying so, when missing)")
        .option("encoders", "NAME,...", "encoders (default aac,libmp3lame,libopus)")
        .option("rate", "HZ", "sample rate (default 48000)")
        .option("bit-rate", "B", "bit rate in bits/s (default 128000; 0: each encoder's default, as torchaudio's)")
        .option("python", "EXE", "the Python that runs torchaudio's StreamWriter (default " CAPSTAN_STUDY_PYTHON ")")
        .flag("no-torchaudio", "leave out the torchaudio path")
        .option("json", "FILE", "also write every result as JSON (one object per encode)")
        .flag("keep", "keep the encoded files");
    addVerboseFlag(parser);
    parser.epilog("studies:\n  slicing   the AAC slice-artifact study (the only one so far)\n\nexample:\n  capstan "
                  "study slicing --out Docs/slicing");
    return parser;
}

std::vector<std::string> splitList(const std::string& text, const std::string& option)
{
    std::vector<std::string> items;
    std::stringstream list(text);
    std::string item;
    while (std::getline(list, item, ','))
    {
        if (item.empty())
            throw UsageError(option + " takes names separated by commas, got '" + text + "'");
        items.push_back(item);
    }
    if (items.empty())
        throw UsageError(option + " takes names separated by commas, got '" + text + "'");
    return items;
}

int64_t parseCount(const std::string& text, const std::string& option, int64_t low, int64_t high)
{
    char* end = nullptr;
    const long long value = std::strtoll(text.c_str(), &end, 10);
    if (text.empty() || *end != '\0' || value < low || value > high)
        throw UsageError(option + " takes a whole number from " + std::to_string(low) + " to " + std::to_string(high) +
                         ", got '" + text + "'");
    return value;
}

std::string jsonString(const std::string& text)
{
    std::string out = "\"";
    for (const char c : text)
    {
        if (c == '"' || c == '\\')
            out += '\\';
        if (static_cast<unsigned char>(c) < 0x20)
            continue;
        out += c;
    }
    return out + "\"";
}

void writeJson(const std::vector<SlicingResult>& results, const std::filesystem::path& file)
{
    std::ofstream out(file);
    out << "[\n";
    for (size_t i = 0; i < results.size(); ++i)
    {
        const auto& r = results[i];
        out << "{\"signal\": " << jsonString(r.signal) << ", \"encoder\": " << jsonString(r.encoder)
            << ", \"path\": " << jsonString(r.path) << ", \"slice\": " << r.sliceSize
            << ", \"file\": " << jsonString(r.file.string())
            << ", \"identical\": " << (r.identicalToReference ? "true" : "false") << ", \"frame_size\": " << r.frameSize
            << ", \"input_samples\": " << r.inputSamples << ", \"gap_count\": " << r.gapCount
            << ", \"gap_samples\": " << r.gapSamples << ", \"lag\": " << r.lag
            << ", \"decoded_samples\": " << r.decodedSamples << ", \"declared_seconds\": " << r.declaredSeconds
            << ", \"timeline_snr\": " << r.timelineSnr << ", \"content_snr\": " << r.contentSnr;
        if (r.comparedWithSimulation)
            out << ", \"same_samples_as_simulation\": " << (r.sameSamplesAsSimulation() ? "true" : "false")
                << ", \"samples_differing\": " << r.samplesDiffering << ", \"simulation_lag\": " << r.simulationLag
                << ", \"agreement_snr\": "
                << (std::isinf(r.agreementSnr) ? std::string("null") : std::to_string(r.agreementSnr))
                << ", \"simulation_decoded_samples\": " << r.simulationDecodedSamples
                << ", \"simulation_declared_seconds\": " << r.simulationDeclaredSeconds;
        out << "}" << (i + 1 < results.size() ? "," : "") << "\n";
    }
    out << "]\n";
    if (!out)
        throw Error("study slicing: cannot write '" + file.string() + "'");
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

    if (a.has("signals"))
        config.signals = splitList(a.get("signals"), "--signals");
    if (a.has("encoders"))
        config.encoders = splitList(a.get("encoders"), "--encoders");
    if (a.has("rate"))
        config.sampleRate = int(parseCount(a.get("rate"), "--rate", 8000, 192000));
    if (a.has("bit-rate"))
        config.bitRate = parseCount(a.get("bit-rate"), "--bit-rate", 0, 10'000'000);
    if (a.has("python"))
        config.python = a.get("python");
    if (a.has("no-torchaudio"))
        config.python.clear();

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
    SlicingReport::write(study, results, out);
    if (a.has("json"))
        writeJson(results, a.get("json"));
    for (const auto& line : study.skipped())
        std::fprintf(stderr, "capstan: study slicing: %s\n", line.c_str());
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
