#include "SlicingReport.h"

#include "ChildProcess.h"
#include "LegacySliceEncoder.h"
#include "SlicingFindings.h"

#include <capstan/media/Error.h>

#include <juce_graphics/juce_graphics.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>

extern "C"
{
#include <libavcodec/avcodec.h>
#include <libavutil/avutil.h>
}

namespace capstan
{

namespace
{
using ::capstan::SlicingFindings;
const auto& find = SlicingFindings::find;

std::string format(const char* pattern, double value)
{
    char text[64];
    std::snprintf(text, sizeof(text), pattern, value);
    return text;
}

void savePng(const juce::Image& image, const std::filesystem::path& file)
{
    juce::File target(juce::String::fromUTF8(std::filesystem::absolute(file).string().c_str()));
    target.deleteFile();
    juce::FileOutputStream stream(target);
    juce::PNGImageFormat png;
    if (!stream.openedOk() || !png.writeImageToStream(image, stream))
        throw Error("slicing report: cannot write '" + file.string() + "'");
}

std::string sliceName(int64_t slice)
{
    return slice == 0 ? std::string("all") : std::to_string(slice);
}
} // namespace

void SlicingReport::plotSnr(const std::vector<SlicingResult>& results, const std::string& encoder,
                            const std::filesystem::path& pngFile)
{
    std::vector<int64_t> slices;
    std::vector<std::string> signals;
    double lowest = 0.0, highest = 10.0;
    for (const auto& r : results)
    {
        if (r.encoder != encoder || r.sliceSize == 0)
            continue;
        if (std::find(slices.begin(), slices.end(), r.sliceSize) == slices.end())
            slices.push_back(r.sliceSize);
        if (std::find(signals.begin(), signals.end(), r.signal) == signals.end())
            signals.push_back(r.signal);
        for (double v : {r.contentSnr, r.timelineSnr})
        {
            lowest = std::min(lowest, std::floor(v / 10.0) * 10.0);
            highest = std::max(highest, std::ceil(v / 10.0) * 10.0);
        }
    }
    if (slices.empty())
        throw Error("slicing report: no results for encoder '" + encoder + "'");
    std::sort(slices.begin(), slices.end());

    const int width = 900, height = 560;
    juce::Image image(juce::Image::ARGB, width, height, true, juce::SoftwareImageType());
    juce::Graphics g(image);
    g.fillAll(juce::Colours::white);
    const juce::Rectangle<float> plot(70.0f, 40.0f, 430.0f, 460.0f);
    const double minX = std::log2(double(slices.front())), maxX = std::log2(double(slices.back()));
    const auto xOf = [&](int64_t slice)
    { return plot.getX() + float((std::log2(double(slice)) - minX) / std::max(1e-9, maxX - minX)) * plot.getWidth(); };
    const auto yOf = [&](double db)
    { return plot.getBottom() - float((db - lowest) / (highest - lowest)) * plot.getHeight(); };

    // Axes, grid and labels.
    g.setFont(juce::Font(13.0f));
    for (double db = lowest; db <= highest + 1e-9; db += 10.0)
    {
        g.setColour(juce::Colours::lightgrey);
        g.drawHorizontalLine(int(yOf(db)), plot.getX(), plot.getRight());
        g.setColour(juce::Colours::black);
        g.drawText(juce::String(int(db)), 20, int(yOf(db)) - 8, 44, 16, juce::Justification::centredRight);
    }
    for (const auto slice : slices)
    {
        g.setColour(juce::Colours::lightgrey);
        g.drawVerticalLine(int(xOf(slice)), plot.getY(), plot.getBottom());
        g.setColour(juce::Colours::black);
        g.drawText(juce::String(slice), int(xOf(slice)) - 30, int(plot.getBottom()) + 4, 60, 16,
                   juce::Justification::centred);
    }
    g.drawRect(plot);
    g.setFont(juce::Font(15.0f, juce::Font::bold));
    g.drawText(juce::String("SNR vs slice size: ") + encoder, 0, 8, width, 22, juce::Justification::centred);
    g.setFont(juce::Font(13.0f));
    g.drawText("samples per write (log scale)", int(plot.getX()), int(plot.getBottom()) + 24, int(plot.getWidth()), 16,
               juce::Justification::centred);
    g.addTransform(juce::AffineTransform::rotation(-juce::MathConstants<float>::halfPi, 14.0f, plot.getCentreY()));
    g.drawText("SNR vs input (dB)", -100 + 14, int(plot.getCentreY()) - 8, 200, 16, juce::Justification::centred);
    g.addTransform(juce::AffineTransform::rotation(juce::MathConstants<float>::halfPi, 14.0f, plot.getCentreY()));

    // One line per signal and measure: Capstan solid, legacy (simulated) and torchaudio content dashed, their
    // timelines dotted.
    const juce::Colour colours[] = {juce::Colour(0xff1f77b4), juce::Colour(0xffee4c2c), juce::Colour(0xff2ca02c),
                                    juce::Colour(0xff9467bd)};
    struct Series
    {
        std::string path;
        bool timeline;
        std::vector<float> dashes;
        std::string label;
    };
    const Series series[] = {{"capstan", false, {}, "Capstan"},
                             {"legacy", false, {8.0f, 5.0f}, "simulated, gaps skipped"},
                             {"legacy", true, {2.0f, 4.0f}, "simulated, timeline"},
                             {"torchaudio", false, {12.0f, 3.0f, 2.0f, 3.0f}, "torchaudio, gaps skipped"},
                             {"torchaudio", true, {1.0f, 7.0f}, "torchaudio, timeline"}};
    float legendY = plot.getY();
    g.setFont(juce::Font(12.0f));
    for (size_t s = 0; s < signals.size(); ++s)
        for (const auto& line : series)
        {
            if (find(results, signals[s], encoder, line.path, slices.front()) == nullptr)
                continue;
            juce::Path path;
            bool started = false;
            for (const auto slice : slices)
                if (const auto* r = find(results, signals[s], encoder, line.path, slice))
                {
                    const juce::Point<float> p(xOf(slice), yOf(line.timeline ? r->timelineSnr : r->contentSnr));
                    if (!started)
                        path.startNewSubPath(p);
                    else
                        path.lineTo(p);
                    started = true;
                    g.setColour(colours[s % 4]);
                    g.fillEllipse(p.x - 3.0f, p.y - 3.0f, 6.0f, 6.0f);
                }
            juce::Path stroked;
            const juce::PathStrokeType stroke(2.0f);
            if (line.dashes.empty())
                stroked = path;
            else
                stroke.createDashedStroke(stroked, path, line.dashes.data(), int(line.dashes.size()));
            g.setColour(colours[s % 4]);
            if (line.dashes.empty())
                g.strokePath(path, stroke);
            else
                g.fillPath(stroked);

            // Legend entry.
            juce::Path sample;
            sample.startNewSubPath(plot.getRight() + 14.0f, legendY + 8.0f);
            sample.lineTo(plot.getRight() + 44.0f, legendY + 8.0f);
            if (line.dashes.empty())
                g.strokePath(sample, stroke);
            else
            {
                juce::Path dashed;
                stroke.createDashedStroke(dashed, sample, line.dashes.data(), int(line.dashes.size()));
                g.fillPath(dashed);
            }
            g.setColour(juce::Colours::black);
            g.drawText(juce::String(signals[s]) + ": " + line.label, int(plot.getRight()) + 50, int(legendY),
                       width - int(plot.getRight()) - 56, 16, juce::Justification::centredLeft);
            legendY += 18.0f;
        }
    g.setColour(juce::Colours::grey);
    g.setFont(juce::Font(11.0f));
    g.drawText(juce::String("Created with Capstan ") + CAPSTAN_VERSION, width - 200, height - 18, 192, 14,
               juce::Justification::centredRight);
    savePng(image, pngFile);
}

void SlicingReport::spectrogram(const std::filesystem::path& media, const std::filesystem::path& png)
{
    const auto result =
        ChildProcess::run({"ffmpeg", "-nostdin", "-v", "error", "-y", "-i", media.string(), "-lavfi",
                           "showspectrumpic=s=512x256:legend=1:scale=log:stop=16000", "-frames:v", "1", png.string()});
    if (result.exitCode != 0)
        throw Error(
            "slicing report: `ffmpeg -lavfi showspectrumpic` failed for '" + media.string() + "'" +
            (result.exitCode == -1 ? std::string(" (is the ffmpeg command-line tool installed?)") : ": " + result.err));
}

void SlicingReport::write(const SlicingStudy& study, const std::vector<SlicingResult>& results,
                          const std::filesystem::path& outDir)
{
    const SlicingStudyConfig& config = study.config();
    std::filesystem::create_directories(outDir);
    for (const auto& encoder : config.encoders)
        plotSnr(results, encoder, outDir / ("snr-" + encoder + ".png"));

    std::vector<std::string> signals, paths;
    for (const auto& r : results)
    {
        if (std::find(signals.begin(), signals.end(), r.signal) == signals.end())
            signals.push_back(r.signal);
        if (std::find(paths.begin(), paths.end(), r.path) == paths.end())
            paths.push_back(r.path);
    }
    const bool withTorchaudio = std::find(paths.begin(), paths.end(), "torchaudio") != paths.end();
    const std::vector<std::string> columns = withTorchaudio
                                                 ? std::vector<std::string>{"legacy", "torchaudio", "capstan"}
                                                 : std::vector<std::string>{"legacy", "capstan"};
    bool anySpectrogram = false;
    for (const auto& signal : signals)
        for (const int64_t slice : {int64_t(8000), int64_t(512)})
            for (const auto& path : columns)
                if (const auto* r = find(results, signal, "aac", path, slice))
                {
                    spectrogram(r->file,
                                outDir / ("spectrogram-" + signal + "-aac-" + path + "-" + sliceName(slice) + ".png"));
                    anySpectrogram = true;
                }

    const auto ms = [&](int64_t samples) { return 1000.0 * double(samples) / config.sampleRate; };
    const auto decodedDeltaMs = [&](const SlicingResult& r) { return ms(r.decodedSamples - r.lag - r.inputSamples); };
    const auto declaredDeltaMs = [&](const SlicingResult& r, double declared)
    { return 1000.0 * declared - ms(r.inputSamples); };

    std::ostringstream md;
    md << "# AAC slice artifacts: legacy slicing (simulated and real torchaudio) vs Capstan\n\n"
       << "_Generated by `capstan study slicing --out " << outDir.string() << "` (Capstan " << CAPSTAN_VERSION
       << ", FFmpeg " << av_version_info() << ", libavcodec " << LIBAVCODEC_IDENT
       << (withTorchaudio ? ", torchaudio " + study.torchaudioVersion() : std::string()) << "). Do not edit by hand: "
       << "rerun the command._\n\n";
    if (!study.skipped().empty())
    {
        md << "**Not in this run:**\n\n";
        for (const auto& line : study.skipped())
            md << "- " << line << "\n";
        md << "\n";
    }
    md << "## What was measured\n\n"
       << "Mono signals of " << config.seconds << " s at " << config.sampleRate << " Hz:\n\n";
    for (const auto& signal : signals)
    {
        if (signal == "speech")
            md << "- **speech** (generated): voiced syllables with moving formants, fricative noise, pauses over a "
                  "low room tone;\n";
        else if (signal == "music")
            md << "- **music** (generated): decaying harmonic chords with percussive noise hits;\n";
        else if (config.recordings.count(signal) != 0)
            md << "- **" << signal << "** (a real recording, Debian package `" << config.recordings.at(signal).package
               << "`): " << config.recordings.at(signal).description
               << ", resampled with libswresample and repeated if the study asks for more;\n";
    }
    md << "\nEach was encoded "
       << (config.bitRate > 0 ? "at " + std::to_string(config.bitRate / 1000) + " kb/s"
                              : std::string("at each encoder's default bit rate"))
       << " by `aac`, `libmp3lame` and `libopus`, written in slices of {";
    for (size_t i = 0; i < config.sliceSizes.size(); ++i)
        md << (i ? ", " : "") << config.sliceSizes[i];
    md << "} samples and once all at once (`all`), along " << columns.size() << " paths:\n\n"
       << "- **legacy** (the simulation): what writers on FFmpeg 4.x did, rebuilt in C++: every write is cut into "
          "encoder frames and its remainder handed over as a short frame, which `aac` and `libopus` zero-fill to "
          "`frame_size`. The study does the zero fill itself and sends whole frames; for `libmp3lame` it calls the "
          "system's LAME (`libmp3lame.so.0`) directly with each slice, as FFmpeg's wrapper did.\n";
    if (withTorchaudio)
        md << "- **torchaudio**: the real legacy system, torchaudio " << study.torchaudioVersion()
           << "'s `torchaudio.io.StreamWriter` (Debian's `python3-torchaudio`, on this same FFmpeg), run with "
           << config.python << ": `add_audio_stream(" << config.sampleRate << ", 1, \"flt\", encoder"
           << (config.bitRate > 0 ? ", {\"b\": \"" + std::to_string(config.bitRate) + "\"}" : std::string())
           << ")`, one `write_audio_chunk` per slice, closed by leaving `with`. Its gap columns (and the map of "
              "gaps its content SNR skips) are the simulation's prediction; the **vs sim.** column checks them: gaps "
              "in other places would make the two decodes disagree, at about 0 dB.\n";
    md << "- **capstan**: `capstan::StreamWriter`, which re-chunks with an `AVAudioFifo` so that every frame but the "
          "last has exactly `frame_size` samples.\n\n"
       << "Each output was decoded with `capstan::MediaReader` (libavformat and libavcodec, as the `ffmpeg` CLI "
          "decodes) and lined up with the input by cross-correlation (the lag absorbs encoder and decoder delay). "
          "Columns:\n\n"
       << "- **identical**: same bytes as the same path's all-at-once encode;\n"
       << "- **gaps**: zero runs the slicing inserted into the stream the encoder received (count, total ms);\n"
       << "- **declared Δ / decoded Δ**: the container's declared duration and the decoded length (after the lag) "
          "minus the input's duration, in ms (a raw MP3 stream declares no duration: FFmpeg estimates it from the "
          "bit rate); **decoded**: the decoded length in samples;\n"
       << "- **timeline SNR**: decoded vs input sample by sample: what a listener's timeline gets. After the first "
          "inserted gap the output no longer lines up with the input, so any path with gaps sits near 0 dB whatever "
          "the slice size; how much is broken shows in the gap count and the duration growth;\n"
       << "- **content SNR**: the same with the inserted gaps skipped, i.e. how well the kept samples themselves "
          "survive. Read it with care: a zero-filled frame spends the frame's whole bit budget on fewer real samples "
          "(at 64-sample writes, 64 of 1024), so at small slices the kept samples can come out *better* than in a "
          "normal encode while the timeline is ruined. For paths without gaps both SNRs are equal. Samples a "
          "decoder cuts off at the end count as errors (this lowers some torchaudio rows, see below);\n"
       << "- **vs sim.**: for torchaudio, its decoded audio against the simulation's at the same slice size, each "
          "lined up by its lag: `equal`, or the SNR of one against the other over their common length; then the "
          "difference in decoded length, if any (bold: not the same).\n\n";

    SlicingFindings::writeFindings(md, study, results, signals);
    if (withTorchaudio)
        SlicingFindings::writeComparison(md, study, results, signals);

    md << "## Root cause\n\n"
       << "AAC codes audio in frames of `frame_size` = 1024 samples (Opus: 960 at 48 kHz; MP3: 1152). Encoders with "
          "`AV_CODEC_CAP_SMALL_LAST_FRAME` (the native AAC encoder, libopus's wrapper) accept a frame shorter than "
          "that and pad it with zeros to a whole frame. A writer that passes each write's remainder as a short frame "
          "therefore inserts `frame_size - (slice % frame_size)` zeros per write: 192 zeros every 8000 samples, 512 "
          "zeros after every 512 samples (the stream doubles in length), 960 after every 64 samples. Each zero edge "
          "is also a hard step for the transform codec, and the timeline drifts by the inserted silence. LAME keeps "
          "an internal sample buffer and only ever encodes whole 1152-sample frames, so libmp3lame was immune.";
    if (withTorchaudio)
        md << " torchaudio " << study.torchaudioVersion()
           << " still does this on FFmpeg 5.1: its rows above show the gaps on this machine's FFmpeg.";
    md << "\n\n"
       << "## The fix\n\n"
       << "Capstan's StreamWriter converts each write with libswresample and pushes it into an `AVAudioFifo`; the "
          "encoder is fed exactly `frame_size` samples per frame, and only `close()` sends the short last frame and "
          "end of stream. The output no longer depends on how the audio was sliced (byte-identical above), and there "
          "is nothing for the encoder to zero-fill.\n\n";

    md << "## Figures\n\n";
    for (const auto& encoder : config.encoders)
        md << "![SNR vs slice size, " << encoder << "](snr-" << encoder << ".png)\n\n";
    if (anySpectrogram)
    {
        md << "Spectrograms of the AAC outputs (FFmpeg's `showspectrumpic`). The legacy 512-sample outputs are twice "
              "as long (every other 512-sample stretch is inserted silence) and the zero edges show as vertical "
              "broadband lines.\n\n| signal, slice |";
        for (const auto& path : columns)
            md << " " << path << " |";
        md << "\n| --- |";
        for (size_t i = 0; i < columns.size(); ++i)
            md << " --- |";
        md << "\n";
        for (const auto& signal : signals)
            for (const int64_t slice : {int64_t(8000), int64_t(512)})
            {
                md << "| " << signal << ", " << slice << " |";
                for (const auto& path : columns)
                    md << " ![](spectrogram-" << signal << "-aac-" << path << "-" << slice << ".png) |";
                md << "\n";
            }
        md << "\n";
    }

    md << "## Table\n\n"
       << "| signal | encoder | path | slice | identical | gaps | gap ms | declared Δ ms | decoded | decoded Δ ms | "
          "lag | timeline SNR dB | content SNR dB | vs sim. |\n"
       << "| --- | --- | --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |\n";
    for (const auto& r : results)
        md << "| " << r.signal << " | " << r.encoder << " | " << r.path << " | " << sliceName(r.sliceSize) << " | "
           << (r.identicalToReference ? "yes" : "**no**") << " | " << r.gapCount << " | "
           << format("%.1f", ms(r.gapSamples)) << " | " << format("%.1f", declaredDeltaMs(r, r.declaredSeconds))
           << " | " << r.decodedSamples << " | " << format("%.1f", decodedDeltaMs(r)) << " | " << r.lag << " | "
           << format("%.1f", r.timelineSnr) << " | " << format("%.1f", r.contentSnr) << " | "
           << SlicingFindings::agreement(r) << " |\n";
    md << "\nRegenerate: `capstan study slicing --out Docs/slicing` (about two minutes on 2 cores). The regression "
          "tests "
          "`visual: slicing study findings hold` (the simulation and Capstan, on shorter signals) and "
          "`peer: test_peer_slicing` (the torchaudio path) check the findings.\n";

    std::ofstream out(outDir / "README.md");
    out << md.str();
    if (!out)
        throw Error("slicing report: cannot write '" + (outDir / "README.md").string() + "'");
}

} // namespace capstan
