// Hostile sample values through the command line: float WAVs holding NaN, infinities, huge values and random bit
// patterns, and a filter that makes infinities. None may abort `capstan` (libmp3lame asserted on them, exit 134)
// or cut an output short; each repair is said in one warning line.

#include "support/TestSupport.h"

#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>
#include <limits>
#include <random>

using namespace capstan;
namespace fs = std::filesystem;

namespace
{
constexpr int rate = 48000;

/** A stereo float WAV of `samples` (interleaved), written by the ffmpeg CLI, which stores NaN and Inf as they are. */
fs::path floatWav(const test::TestDir& dir, const std::string& name, const std::vector<float>& samples)
{
    const fs::path raw = dir.file(name + ".f32");
    test::writeFileBytes(raw, std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(samples.data()),
                                                       samples.size() * sizeof(float)));
    const fs::path wav = dir.file(name);
    test::runFfmpeg({"-f", "f32le", "-ar", std::to_string(rate), "-ac", "2", "-i", raw.string(), "-c:a", "pcm_f32le",
                     wav.string()});
    return wav;
}

std::vector<float> sine(double seconds)
{
    std::vector<float> samples(size_t(2 * seconds * rate));
    for (size_t i = 0; i < samples.size(); ++i)
        samples[i] = 0.3f * std::sin(0.02f * float(i / 2));
    return samples;
}

double duration(const fs::path& file)
{
    return test::probeFormat(file).number("duration");
}
} // namespace

TEST_CASE("encode: one NaN, Inf or 1e30 into mp3 is repaired and said, the file is whole", "[adversarial][repair]")
{
    test::TestDir dir;
    const std::pair<std::string, float> cases[] = {{"nan", std::numeric_limits<float>::quiet_NaN()},
                                                   {"inf", std::numeric_limits<float>::infinity()},
                                                   {"minus-inf", -std::numeric_limits<float>::infinity()},
                                                   {"huge", 1e30f}};
    for (const auto& [name, value] : cases)
    {
        auto samples = sine(3.0);
        samples[2 * rate] = value;
        const fs::path input = floatWav(dir, name + ".wav", samples);
        const fs::path output = dir.file(name + ".mp3");
        const auto result = test::runCapstan({"encode", input.string(), output.string()});
        INFO(name << ": " << result.err);
        CHECK(result.exitCode == 0);
        CHECK_THAT(result.err, Catch::Contains("warning: repaired 1 sample(s)") && Catch::Contains("at 1.000 s"));
        CHECK_THAT(result.err,
                   Catch::Contains(name == "huge" ? "beyond +60 dBFS clipped" : "NaN/Inf written as silence"));
        CHECK(duration(output) == Approx(3.0).margin(0.06));
    }
}

TEST_CASE("encode: --filter volume=1e39 makes infinities, repaired after the filter", "[adversarial][repair]")
{
    test::TestDir dir;
    const fs::path input = floatWav(dir, "in.wav", sine(2.0));
    for (const std::string extension : {"mp3", "m4a", "ogg", "flac"})
    {
        const fs::path output = dir.file("loud." + extension);
        const auto result = test::runCapstan({"encode", input.string(), output.string(), "--filter", "volume=1e39"});
        INFO(extension << ": " << result.err);
        CHECK(result.exitCode == 0);
        CHECK_THAT(result.err, Catch::Contains("NaN/Inf written as silence"));
        CHECK(duration(output) == Approx(2.0).margin(0.06));
    }
}

TEST_CASE("encode: random float bit patterns into every lossy encoder never abort", "[adversarial][repair][fuzz]")
{
    // Before the repair, 48 of 100 such files aborted `capstan encode x.wav o.mp3` inside libmp3lame.
    test::TestDir dir;
    int aborted = 0, failed = 0;
    for (uint32_t seed = 1; seed <= 8; ++seed)
    {
        std::mt19937 random(seed);
        std::vector<float> samples(size_t(2 * rate)); // 1 s
        for (auto& s : samples)
        {
            const uint32_t bits = random();
            std::memcpy(&s, &bits, sizeof s);
        }
        const fs::path input = floatWav(dir, "r" + std::to_string(seed) + ".wav", samples);
        for (const std::string extension : {"mp3", "m4a", "opus", "ogg"})
        {
            const fs::path output = dir.file("r" + std::to_string(seed) + "." + extension);
            const auto result = test::runCapstan({"encode", input.string(), output.string()});
            INFO("seed " << seed << " " << extension << ": " << result.err);
            aborted += result.exitCode < 0 || result.exitCode > 2;
            failed += result.exitCode != 0;
            CHECK(result.exitCode == 0);
            CHECK_THAT(result.err, Catch::Contains("warning: repaired"));
            if (result.exitCode == 0)
                CHECK(duration(output) == Approx(1.0).margin(0.08));
        }
    }
    CHECK(aborted == 0);
    CHECK(failed == 0);
}

TEST_CASE("record: a NaN at 6 s of a file source ends none of three outputs", "[adversarial][repair]")
{
    // Issue 12's reproduction: the process aborted in libmp3lame, and the FLAC and WAV stopped at 5.78 s with it.
    test::TestDir dir;
    auto samples = sine(8.0);
    samples[2 * 6 * rate] = std::numeric_limits<float>::quiet_NaN();
    const fs::path input = floatWav(dir, "nan6.wav", samples);
    const auto result =
        test::runCapstan({"record", dir.file("t.flac").string(), dir.file("t.wav").string(), dir.file("t.mp3").string(),
                          "--source", "file:" + input.string(), "--pace", "fast"});
    INFO(result.out << result.err);
    REQUIRE(result.exitCode == 0);
    CHECK_THAT(result.out, Catch::Contains("warning: repaired 1 sample(s)") && Catch::Contains("at 6.000 s"));
    for (const char* name : {"t.flac", "t.wav", "t.mp3"})
    {
        INFO(name);
        CHECK(duration(dir.file(name)) == Approx(8.0).margin(0.06));
        CHECK_THAT(test::readFileText(dir.file(std::string(name) + ".drops.json")),
                   Catch::Contains("\"nonFiniteSamples\":1"));
    }
}
