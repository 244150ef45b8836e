#include "SlicingFindings.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>

extern "C"
{
#include <libavcodec/avcodec.h>
#include <libavutil/samplefmt.h>
}

namespace capstan
{

namespace
{
std::string format(const char* pattern, double value)
{
    char text[64];
    std::snprintf(text, sizeof(text), pattern, value);
    return text;
}

std::string sliceName(int64_t slice)
{
    return slice == 0 ? std::string("all") : std::to_string(slice);
}

struct Measure
{
    int sampleRate;
    double ms(int64_t samples) const { return 1000.0 * double(samples) / sampleRate; }
    double decodedDelta(const SlicingResult& r) const { return ms(r.decodedSamples - r.lag - r.inputSamples); }
    double declaredDelta(const SlicingResult& r, double declared) const
    {
        return 1000.0 * declared - ms(r.inputSamples);
    }
};
} // namespace

const SlicingResult* SlicingFindings::find(const std::vector<SlicingResult>& results, const std::string& signal,
                                           const std::string& encoder, const std::string& path, int64_t slice)
{
    for (const auto& r : results)
        if (r.signal == signal && r.encoder == encoder && r.path == path && r.sliceSize == slice)
            return &r;
    return nullptr;
}

void SlicingFindings::writeFindings(std::ostream& md, const SlicingStudy& study,
                                    const std::vector<SlicingResult>& results, const std::vector<std::string>& signals)
{
    const Measure m{study.config().sampleRate};
    md << "## Findings\n\n";
    for (const auto& signal : signals)
        for (const std::string encoder : {"aac", "libopus"})
        {
            double low = 1e9, high = -1e9;
            for (const auto& r : results)
                if (r.signal == signal && r.encoder == encoder && r.path == "capstan")
                {
                    low = std::min(low, r.timelineSnr);
                    high = std::max(high, r.timelineSnr);
                }
            if (low > high)
                continue;
            md << "- " << signal << ", " << encoder << ":";
            for (const std::string path : {"legacy", "torchaudio"})
            {
                const auto* l8000 = find(results, signal, encoder, path, 8000);
                const auto* l512 = find(results, signal, encoder, path, 512);
                if (l8000 == nullptr || l512 == nullptr)
                    continue;
                md << " " << (path == "legacy" ? "simulated legacy" : "torchaudio") << ": 8000-sample writes insert "
                   << l8000->gapCount << " silent gaps (" << format("%.0f", m.ms(l8000->gapSamples)) << " ms), decoded "
                   << format("%+.0f", m.decodedDelta(*l8000)) << " ms, timeline SNR "
                   << format("%.1f", l8000->timelineSnr) << " dB; 512-sample writes insert " << l512->gapCount
                   << " gaps (" << format("%.0f", m.ms(l512->gapSamples)) << " ms), decoded "
                   << format("%+.0f", m.decodedDelta(*l512)) << " ms, timeline SNR "
                   << format("%.1f", l512->timelineSnr) << " dB.";
            }
            md << " Capstan: timeline SNR "
               << (high - low < 0.05 ? format("%.1f", low) + " dB at every slice size"
                                     : format("%.1f", low) + " to " + format("%.1f", high) + " dB")
               << ".\n";
        }
    bool capstanIdentical = true, lameIdentical = true, torchaudioLameIdentical = true, anyTorchaudioLame = false;
    for (const auto& r : results)
    {
        if (r.path == "capstan")
            capstanIdentical = capstanIdentical && r.identicalToReference;
        if (r.path == "legacy" && r.encoder == "libmp3lame")
            lameIdentical = lameIdentical && r.identicalToReference && r.gapCount == 0;
        if (r.path == "torchaudio" && r.encoder == "libmp3lame")
        {
            anyTorchaudioLame = true;
            torchaudioLameIdentical = torchaudioLameIdentical && r.identicalToReference;
        }
    }
    md << "- Capstan's output is " << (capstanIdentical ? "byte-identical" : "**not** byte-identical")
       << " to the all-at-once encode at every slice size, for every encoder and signal.\n";
    const auto& encoders = study.config().encoders;
    if (std::find(encoders.begin(), encoders.end(), "libmp3lame") != encoders.end())
    {
        md << "- LAME fed slice by slice " << (lameIdentical ? "gives the same bytes as" : "**differs from**")
           << " LAME fed all at once";
        if (anyTorchaudioLame)
            md << ", and so " << (torchaudioLameIdentical ? "does" : "**does not**")
               << " torchaudio's libmp3lame at every slice size";
        md << ": LAME's internal buffer hides the slicing, which is why the tutorial saw no artifacts with "
              "libmp3lame.\n";
    }
    md << "\n";
}

std::string SlicingFindings::agreement(const SlicingResult& r)
{
    if (!r.comparedWithSimulation)
        return {};
    const int64_t lengthDelta = (r.decodedSamples - r.lag) - (r.simulationDecodedSamples - r.simulationLag);
    std::string text = r.samplesDiffering == 0 ? std::string("equal") : format("%.1f dB", r.agreementSnr);
    if (lengthDelta != 0)
        text += ", " + format("%+.0f", double(lengthDelta)) + " samples";
    return r.sameSamplesAsSimulation() ? text : "**" + text + "**";
}

void SlicingFindings::writeComparison(std::ostream& md, const SlicingStudy& study,
                                      const std::vector<SlicingResult>& results,
                                      const std::vector<std::string>& signals)
{
    const Measure m{study.config().sampleRate};
    md << "## Simulation vs torchaudio " << study.torchaudioVersion() << "\n\n"
       << "Each torchaudio output against the simulation's at the same slice size, both decoded and lined up by their "
          "own lag (the **vs sim.** column of the table: `equal`, or the SNR of one against the other over their "
          "common length, and the difference in decoded length).\n\n";
    int compared = 0, equal = 0, lengthDiffers = 0, declaredDiffers = 0;
    const SlicingResult* worst = nullptr;
    const SlicingResult* shortest = nullptr;
    int64_t shortestDelta = 0;
    std::vector<const SlicingResult*> differing;
    for (const auto& r : results)
    {
        if (!r.comparedWithSimulation)
            continue;
        ++compared;
        equal += r.samplesDiffering == 0 ? 1 : 0;
        const bool lengthDiffer = r.decodedSamples - r.lag != r.simulationDecodedSamples - r.simulationLag;
        const bool declaredDiffer = std::abs(r.declaredSeconds - r.simulationDeclaredSeconds) > 0.0005;
        lengthDiffers += lengthDiffer ? 1 : 0;
        declaredDiffers += declaredDiffer ? 1 : 0;
        if (lengthDiffer || declaredDiffer || r.samplesDiffering != 0)
            differing.push_back(&r);
        if (worst == nullptr || r.agreementSnr < worst->agreementSnr)
            worst = &r;
        const int64_t delta = (r.decodedSamples - r.lag) - (r.simulationDecodedSamples - r.simulationLag);
        if (delta < shortestDelta)
        {
            shortestDelta = delta;
            shortest = &r;
        }
    }
    md << "- **Where the silence lands**: over their common length, " << equal << " of " << compared
       << " torchaudio outputs decode to exactly the simulation's samples";
    if (worst != nullptr && worst->samplesDiffering != 0)
        md << "; the others agree with it " << (worst->agreementSnr >= 20.0 ? "to" : "only to") << " "
           << format("%.1f", worst->agreementSnr) << " dB SNR at worst (" << worst->signal << ", " << worst->encoder
           << ", slice " << sliceName(worst->sliceSize) << ")"
           << (worst->agreementSnr >= 20.0 ? ": the same audio with the gaps in the same places, coded from slightly "
                                             "different samples (see the sample formats below)"
                                           : ": **the simulation does not match torchaudio here**");
    md << ".\n";
    const auto& encoders = study.config().encoders;
    md << "- **Sample formats**: torchaudio, left to its defaults, hands each encoder the first sample format the "
          "encoder lists (";
    for (size_t i = 0; i < encoders.size(); ++i)
        md << (i ? ", " : "") << encoders[i] << ": " << defaultSampleFormat(encoders[i]);
    md << "); the simulation and Capstan hand it float. Where that is not float, torchaudio's stream is coded from "
          "quantised samples and cannot be bit-identical to the simulation's.\n";
    md << "- **Decoded length**: " << lengthDiffers << " of " << compared
       << " torchaudio outputs decode to a different length from the simulation's";
    if (shortest != nullptr)
        md << ", shorter by up to " << -shortestDelta << " samples (" << shortest->signal << ", " << shortest->encoder
           << ", slice " << sliceName(shortest->sliceSize) << ": "
           << shortest->simulationDecodedSamples - shortest->simulationLag << " vs "
           << shortest->decodedSamples - shortest->lag << ")"
           << (worst != nullptr && worst->agreementSnr >= 20.0
                   ? "; the common part lines up from the start, so the missing samples are at the end"
                   : "");
    md << ".";
    if (lengthDiffers > 0)
        md << " torchaudio stamps each frame with the count of samples written so far (its pts), not with what the "
              "encoder received after the zero fill, so its packets overlap in time; the demuxer then drops or trims "
              "what lies past the declared end (mp4's edit list, Ogg's last granule), and the decoded length depends "
              "on that, not only on the inserted silence.";
    md << "\n- **Declared duration**: " << declaredDiffers << " of " << compared
       << " torchaudio files declare a different duration from the simulation's: they declare about the input's "
          "duration while the packets carry the inserted silence, so a player's clock and the decoded audio "
          "disagree.\n\n";
    if (differing.empty())
        return;
    md << "Every torchaudio output that disagrees with the simulation (samples at " << m.sampleRate << " Hz, after "
       << "each path's lag):\n\n"
       << "| signal | encoder | slice | decoded: simulation | decoded: torchaudio | vs sim. | declared Δ ms: "
          "simulation | declared Δ ms: torchaudio | timeline SNR dB: simulation | timeline SNR dB: torchaudio |\n"
       << "| --- | --- | ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: |\n";
    for (const auto& signal : signals)
        for (const auto* r : differing)
            if (r->signal == signal)
            {
                const auto* sim = find(results, r->signal, r->encoder, "legacy", r->sliceSize);
                md << "| " << r->signal << " | " << r->encoder << " | " << sliceName(r->sliceSize) << " | "
                   << r->simulationDecodedSamples - r->simulationLag << " | " << r->decodedSamples - r->lag << " | "
                   << agreement(*r) << " | " << format("%.1f", m.declaredDelta(*r, r->simulationDeclaredSeconds))
                   << " | " << format("%.1f", m.declaredDelta(*r, r->declaredSeconds)) << " | "
                   << (sim ? format("%.1f", sim->timelineSnr) : std::string()) << " | "
                   << format("%.1f", r->timelineSnr) << " |\n";
            }
    md << "\n";
}

std::string SlicingFindings::defaultSampleFormat(const std::string& encoder)
{
    const AVCodec* codec = avcodec_find_encoder_by_name(encoder.c_str());
    if (codec == nullptr || codec->sample_fmts == nullptr)
        return "?";
    return av_get_sample_fmt_name(codec->sample_fmts[0]);
}

} // namespace capstan
