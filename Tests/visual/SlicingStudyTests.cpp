// The slicing study's findings as a regression test, on short signals: Capstan is byte-identical at every slice size;
// the legacy AAC path is measurably worse at 512-sample writes than at 8000; LAME (libmp3lame) is unaffected.

#include "support/TestSupport.h"

#include <capstan/visual/LegacySliceEncoder.h>
#include <capstan/visual/SlicingReport.h>
#include <capstan/visual/SlicingStudy.h>
#include <capstan/visual/StudySignals.h>

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <sstream>

using namespace capstan;
using namespace capstan::test;

namespace
{
const SlicingResult& get(const std::vector<SlicingResult>& results, const std::string& signal,
                         const std::string& encoder, const std::string& path, int64_t slice)
{
    for (const auto& r : results)
        if (r.signal == signal && r.encoder == encoder && r.path == path && r.sliceSize == slice)
            return r;
    FAIL("no result for " << signal << " " << encoder << " " << path << " " << slice);
    throw std::logic_error("unreachable");
}

double decodedGrowthSeconds(const SlicingResult& r, int sampleRate, double seconds)
{
    return double(r.decodedSamples - r.lag) / sampleRate - seconds;
}
} // namespace

TEST_CASE("slicing study findings hold", "[visual][study]")
{
    const TestDir dir;
    SlicingStudyConfig config;
    config.seconds = 0.5;
    config.sliceSizes = {8000, 512, 64};
    config.signals = {"speech", "music"};
    config.python.clear(); // the torchaudio path has its own test, in the peer label
    config.workDir = dir.path() / "work";
    SlicingStudy study(config);
    const auto results = study.run();
    REQUIRE(results.size() == 2 * 3 * 2 * 4);

    for (const auto& signal : config.signals)
    {
        CAPTURE(signal);
        // Capstan: byte-identical to the all-at-once encode at every slice size, every encoder.
        for (const auto& r : results)
            if (r.path == "capstan")
            {
                CAPTURE(r.encoder, r.sliceSize);
                CHECK(r.identicalToReference);
                CHECK(r.gapCount == 0);
            }

        // Legacy AAC: zeros inserted after every write whose length is not a multiple of 1024.
        const auto& aacAll = get(results, signal, "aac", "capstan", 0);
        const auto& legacy8000 = get(results, signal, "aac", "legacy", 8000);
        const auto& legacy512 = get(results, signal, "aac", "legacy", 512);
        CHECK(legacy8000.gapCount == 2); // 24000 samples in 3 writes; the last write's fill is the end
        CHECK(legacy512.gapCount == 46); // 47 writes of 512 (the last one short)
        CHECK(!legacy512.identicalToReference);
        // Measured on the decoded files: the 512 path nearly doubles the length, the 8000 path grows by 2 x 192.
        const double growth8000 = decodedGrowthSeconds(legacy8000, config.sampleRate, config.seconds);
        const double growth512 = decodedGrowthSeconds(legacy512, config.sampleRate, config.seconds);
        CAPTURE(growth8000, growth512);
        CHECK(growth512 > 0.4);
        CHECK(growth512 > 10.0 * growth8000);
        CHECK(growth8000 > 0.005);
        CHECK(legacy512.declaredSeconds > config.seconds + 0.4);
        // The timeline is ruined: far below Capstan's SNR at both sizes.
        CHECK(legacy8000.timelineSnr < aacAll.timelineSnr - 10.0);
        CHECK(legacy512.timelineSnr < aacAll.timelineSnr - 10.0);
        CHECK(legacy512.timelineSnr < 3.0);

        // LAME fed slice by slice: same bytes as fed at once, no gaps, same SNR: unaffected.
        const auto& lameAll = get(results, signal, "libmp3lame", "legacy", 0);
        CHECK(lameAll.timelineSnr > 15.0);
        for (const int64_t slice : config.sliceSizes)
        {
            const auto& r = get(results, signal, "libmp3lame", "legacy", slice);
            CAPTURE(slice);
            CHECK(r.identicalToReference);
            CHECK(r.gapCount == 0);
            CHECK(r.timelineSnr == Approx(lameAll.timelineSnr).margin(0.01));
            CHECK(r.decodedSamples == lameAll.decodedSamples);
        }
    }

    // The report: figures and a README with the table, regenerated from these results.
    const auto out = dir.path() / "report";
    SlicingReport::write(study, results, out);
    for (const auto* name : {"snr-aac.png", "snr-libmp3lame.png", "snr-libopus.png",
                             "spectrogram-music-aac-legacy-512.png", "spectrogram-speech-aac-capstan-8000.png"})
    {
        CAPTURE(name);
        CHECK(fs::file_size(out / name) > 1000);
    }
    std::ifstream readme(out / "README.md");
    std::stringstream text;
    text << readme.rdbuf();
    CHECK_THAT(text.str(), Catch::Contains("| music | aac | legacy | 512 | **no** | 46 |"));
    CHECK_THAT(text.str(), Catch::Contains("path torchaudio not run: no Python interpreter given"));
    CHECK_THAT(text.str(), Catch::Contains("byte-identical to the all-at-once encode at every slice size"));
}

TEST_CASE("legacy layout counts the zero fill per write", "[visual][study]")
{
    // 8000 = 7 x 1024 + 832: every write but the last gets 192 zeros.
    const auto layout = LegacySliceEncoder::layoutFor("aac", 24000, 8000, 1024);
    CHECK(layout.gapCount == 2);
    CHECK(layout.gapSamples == 2 * 192);
    CHECK(layout.position[8000] == 8192);
    CHECK(layout.position[23999] == 23999 + 384);
    // Multiples of frame_size insert nothing; LAME never does.
    CHECK(LegacySliceEncoder::layoutFor("aac", 24000, 4096, 1024).gapCount == 0);
    CHECK(LegacySliceEncoder::layoutFor("libmp3lame", 24000, 500, 1152).gapCount == 0);
    CHECK_THROWS_WITH(SlicingStudy({.encoders = {"flac"}}), Catch::Contains("accepted: aac, libmp3lame, libopus"));
}

TEST_CASE("a missing recording is skipped and said so", "[visual][study]")
{
    const TestDir dir;
    SlicingStudyConfig config;
    config.seconds = 0.1;
    config.sliceSizes = {512};
    config.encoders = {"aac"};
    config.signals = {"recorded-speech", "music"};
    config.python.clear();
    config.recordings["recorded-speech"].files = {dir.path() / "not-there.wav"};
    config.workDir = dir.path() / "work";
    SlicingStudy study(config);
    const auto results = study.run();
    for (const auto& r : results)
        CHECK(r.signal == "music");
    CHECK(results.size() == 2 * 2);
    REQUIRE(study.skipped().size() == 2);
    CHECK_THAT(study.skipped()[0],
               Catch::Contains("signal recorded-speech skipped: ") &&
                   Catch::Contains("not-there.wav is missing (install the Debian package alsa-utils"));
}

TEST_CASE("a recording is decoded, resampled and repeated to the study's length", "[visual][study]")
{
    const TestDir dir;
    // A real file from a real encoder: 0.25 s of a 44.1 kHz stereo tone, written as FLAC by the ffmpeg CLI.
    const auto flac = dir.path() / "tone.flac";
    runFfmpeg({"-f", "lavfi", "-i", "sine=frequency=441:sample_rate=44100:duration=0.25", "-ac", "2", flac.string()});
    StudySignals::Recording recording{{flac}, "none", "a tone"};
    std::vector<float> samples;
    std::string missing;
    REQUIRE(StudySignals::load(recording, 48000, 30000, samples, missing));
    REQUIRE(samples.size() == 30000);
    CHECK(missing.empty());
    // 0.25 s at 48 kHz is 12000 samples; the third pass starts at 24000 with the recording's first sample again.
    CHECK(samples[24000 + 100] == samples[100]);
    CHECK(samples[12000 + 777] == samples[777]);
    float peak = 0.0f;
    for (const float v : samples)
        peak = std::max(peak, std::abs(v));
    CHECK(peak > 0.1f);
}
