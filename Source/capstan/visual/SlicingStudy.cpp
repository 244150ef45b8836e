#include "SlicingStudy.h"

#include "LegacySliceEncoder.h"
#include "TorchaudioSliceEncoder.h"

#include <capstan/media/Error.h>
#include <capstan/media/MediaReader.h>
#include <capstan/media/StreamWriter.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <iterator>
#include <limits>
#include <map>
#include <numeric>

namespace capstan
{

namespace
{
std::string extensionFor(const std::string& encoder)
{
    if (encoder == "aac")
        return ".mp4";
    if (encoder == "libopus")
        return ".ogg";
    return ".mp3";
}

std::vector<uint8_t> readBytes(const std::filesystem::path& file)
{
    std::ifstream in(file, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void encodeWithCapstan(const std::string& encoder, const std::vector<float>& samples, int sampleRate, int64_t bitRate,
                       int64_t sliceSize, const std::filesystem::path& file)
{
    StreamWriter writer(file.string());
    AudioStreamConfig config{
        .sampleRate = sampleRate, .numChannels = 1, .format = SampleFormat::flt, .encoder = encoder};
    if (bitRate > 0)
        config.codecConfig.bitRate = bitRate;
    const int stream = writer.addAudioStream(config);
    writer.open();
    const int64_t total = int64_t(samples.size());
    const int64_t slice = sliceSize > 0 ? sliceSize : total;
    for (int64_t start = 0; start < total; start += slice)
        writer.writeAudioChunk(
            stream, std::span<const float>(samples).subspan(size_t(start), size_t(std::min(slice, total - start))));
    writer.close();
}

std::filesystem::path outputFile(const SlicingStudyConfig& config, const std::string& signal,
                                 const std::string& encoder, const std::string& path, int64_t slice)
{
    return config.workDir / (signal + "-" + encoder + "-" + path + "-" +
                             (slice == 0 ? std::string("all") : std::to_string(slice)) + extensionFor(encoder));
}

/** Compares two decodes of the same input, each lined up by its own lag, over their common length. */
void compareAligned(const std::vector<float>& a, int64_t lagA, const std::vector<float>& b, int64_t lagB,
                    SlicingResult& r)
{
    const int64_t first = std::max<int64_t>({0, -lagA, -lagB});
    const int64_t end = std::min(int64_t(a.size()) - lagA, int64_t(b.size()) - lagB);
    double signal = 0.0, error = 0.0;
    r.samplesDiffering = 0;
    for (int64_t i = first; i < end; ++i)
    {
        const double x = b[size_t(i + lagB)], y = a[size_t(i + lagA)];
        signal += x * x;
        error += (x - y) * (x - y);
        r.samplesDiffering += x != y ? 1 : 0;
    }
    r.agreementSnr =
        error == 0.0 ? std::numeric_limits<double>::infinity() : 10.0 * std::log10(std::max(signal, 1.0e-30) / error);
}
} // namespace

SlicingStudy::SlicingStudy(SlicingStudyConfig config) : settings(std::move(config))
{
    if (settings.seconds <= 0.0 || settings.seconds > 600.0)
        throw Error("slicing study: duration " + std::to_string(settings.seconds) + " s; accepted: (0, 600]");
    for (const auto& encoder : settings.encoders)
        if (encoder != "aac" && encoder != "libmp3lame" && encoder != "libopus")
            throw Error("slicing study: encoder '" + encoder + "' is not studied; accepted: aac, libmp3lame, libopus");
    for (const auto& signal : settings.signals)
        if (signal != "speech" && signal != "music" && settings.recordings.count(signal) == 0)
            throw Error("slicing study: signal '" + signal +
                        "' is unknown; accepted: speech, music, recorded-speech, recorded-music");
    for (const auto size : settings.sliceSizes)
        if (size <= 0)
            throw Error("slicing study: slice sizes must be positive, got " + std::to_string(size));
}

std::vector<float> SlicingStudy::decode(const std::filesystem::path& file, double& declaredSeconds)
{
    MediaReader reader(file.string());
    const int stream = reader.bestAudioStream();
    if (stream < 0)
        throw Error("slicing study: '" + file.string() + "' has no audio");
    declaredSeconds = 0.0;
    for (const auto& info : reader.streams())
        if (info.index == stream && info.duration)
            declaredSeconds = *info.duration;
    reader.selectAudio(stream, {.format = SampleFormat::flt, .numChannels = 1});
    std::vector<float> samples;
    while (auto chunk = reader.readAudio(8192))
    {
        const auto* data = reinterpret_cast<const float*>(chunk->planes[0].data());
        samples.insert(samples.end(), data, data + chunk->numFrames);
    }
    return samples;
}

int64_t SlicingStudy::findLag(const std::vector<float>& reference, const std::vector<float>& decoded, int64_t minLag,
                              int64_t maxLag)
{
    const int64_t length = std::min<int64_t>(int64_t(reference.size()), 8192);
    int64_t best = 0;
    double bestScore = -1.0;
    for (int64_t lag = minLag; lag <= maxLag; ++lag)
    {
        double score = 0.0;
        for (int64_t i = std::max<int64_t>(0, -lag); i < length; ++i)
        {
            const int64_t j = i + lag;
            if (j >= int64_t(decoded.size()))
                break;
            score += double(reference[size_t(i)]) * double(decoded[size_t(j)]);
        }
        if (score > bestScore)
        {
            bestScore = score;
            best = lag;
        }
    }
    return best;
}

double SlicingStudy::snr(const std::vector<float>& input, const std::vector<float>& decoded,
                         const std::vector<int64_t>& positions, int64_t lag)
{
    double signal = 0.0, error = 0.0;
    for (size_t i = 0; i < input.size(); ++i)
    {
        const int64_t j = positions[i] + lag;
        const double y = (j >= 0 && j < int64_t(decoded.size())) ? decoded[size_t(j)] : 0.0;
        signal += double(input[i]) * input[i];
        error += (input[i] - y) * (input[i] - y);
    }
    return 10.0 * std::log10(signal / std::max(error, 1.0e-30));
}

std::vector<SlicingResult> SlicingStudy::run(const std::function<void(const std::string&)>& progress)
{
    std::filesystem::create_directories(settings.workDir);
    skips.clear();
    torchaudio.clear();
    const int64_t numSamples = int64_t(std::llround(settings.seconds * settings.sampleRate));
    std::vector<int64_t> sizes{0};
    sizes.insert(sizes.end(), settings.sliceSizes.begin(), settings.sliceSizes.end());

    // The inputs; a recording whose file is missing is skipped and said so.
    std::vector<std::pair<std::string, std::vector<float>>> inputs;
    for (const auto& name : settings.signals)
    {
        std::vector<float> samples;
        std::string missing;
        if (!StudySignals::isRecorded(name))
            samples = StudySignals::generate(name, settings.sampleRate, numSamples);
        else if (!StudySignals::load(settings.recordings.at(name), settings.sampleRate, numSamples, samples, missing))
        {
            skips.push_back("signal " + name + " skipped: " + missing);
            continue;
        }
        inputs.emplace_back(name, std::move(samples));
    }

    // The real legacy system: every torchaudio encode in one Python process, before the measuring.
    bool withTorchaudio = false;
    if (settings.python.empty())
        skips.push_back("path torchaudio not run: no Python interpreter given");
    else if (const auto found = TorchaudioSliceEncoder::probe(settings.python); !found.available)
        skips.push_back(
            "path torchaudio skipped: " + found.reason +
            " (install python3-torchaudio, Scripts/setup.sh does, or choose the interpreter with --python)");
    else
    {
        withTorchaudio = true;
        torchaudio = found.version;
        std::vector<TorchaudioSliceEncoder::Job> jobs;
        for (const auto& [name, samples] : inputs)
        {
            const auto raw = settings.workDir / (name + ".f32");
            TorchaudioSliceEncoder::writeRaw(samples, raw);
            for (const auto& encoder : settings.encoders)
                for (const int64_t slice : sizes)
                    jobs.push_back({raw, settings.sampleRate, encoder, settings.bitRate, slice,
                                    outputFile(settings, name, encoder, "torchaudio", slice)});
        }
        if (progress)
            progress("torchaudio " + torchaudio + ": " + std::to_string(jobs.size()) + " encodes");
        TorchaudioSliceEncoder::encode(settings.python, jobs, settings.workDir / "torchaudio-jobs.txt");
    }

    std::vector<std::string> paths{"legacy", "capstan"};
    if (withTorchaudio)
        paths.push_back("torchaudio");
    std::vector<SlicingResult> results;
    for (const auto& [signalName, input] : inputs)
    {
        std::vector<int64_t> identity(input.size());
        std::iota(identity.begin(), identity.end(), int64_t(0));

        for (const auto& encoder : settings.encoders)
        {
            const int frameSize = LegacySliceEncoder::frameSizeOf(encoder, settings.sampleRate, settings.bitRate);
            std::map<int64_t, std::pair<std::vector<float>, SlicingResult>> simulation; // slice -> decoded, row
            for (const auto& path : paths)
            {
                std::vector<uint8_t> referenceBytes;
                int64_t referenceLag = 0;
                for (const int64_t slice : sizes)
                {
                    SlicingResult r;
                    r.signal = signalName;
                    r.encoder = encoder;
                    r.path = path;
                    r.sliceSize = slice;
                    r.frameSize = frameSize;
                    r.inputSamples = int64_t(input.size());
                    r.file = outputFile(settings, signalName, encoder, path, slice);
                    if (progress)
                        progress(r.file.filename().string());

                    LegacySliceEncoder::Layout layout;
                    if (path == "capstan")
                    {
                        encodeWithCapstan(encoder, input, settings.sampleRate, settings.bitRate, slice, r.file);
                        layout.position = identity;
                    }
                    else
                    {
                        // torchaudio was encoded above; the simulation's map of its gaps is checked by the
                        // content SNR (wrong positions would bring it down to the timeline SNR's level).
                        if (path == "legacy")
                            LegacySliceEncoder::encode(encoder, input, settings.sampleRate, settings.bitRate, slice,
                                                       r.file);
                        layout = LegacySliceEncoder::layoutFor(encoder, r.inputSamples, slice, frameSize);
                    }
                    r.gapCount = layout.gapCount;
                    r.gapSamples = layout.gapSamples;

                    const auto bytes = readBytes(r.file);
                    r.bytes = int64_t(bytes.size());
                    if (slice == 0)
                        referenceBytes = bytes;
                    r.identicalToReference = bytes == referenceBytes;

                    auto decoded = decode(r.file, r.declaredSeconds);
                    r.decodedSamples = int64_t(decoded.size());
                    // The codec's delay (encoder priming not trimmed by the container, decoder delay) does not depend
                    // on the slicing: it is measured once, on the all-at-once encode, by cross-correlation.
                    if (slice == 0)
                        referenceLag = findLag(input, decoded, -512, 2560);
                    r.lag = referenceLag;
                    r.timelineSnr = snr(input, decoded, identity, r.lag);
                    r.contentSnr = snr(input, decoded, layout.position, r.lag);
                    if (path == "legacy")
                        simulation[slice] = {std::move(decoded), r};
                    else if (path == "torchaudio")
                    {
                        const auto& [simulated, sim] = simulation.at(slice);
                        r.comparedWithSimulation = true;
                        r.simulationDecodedSamples = sim.decodedSamples;
                        r.simulationLag = sim.lag;
                        r.simulationDeclaredSeconds = sim.declaredSeconds;
                        compareAligned(decoded, r.lag, simulated, sim.lag, r);
                    }
                    results.push_back(std::move(r));
                }
            }
        }
    }
    return results;
}

} // namespace capstan
