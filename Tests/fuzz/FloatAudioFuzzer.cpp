// fuzz_float_audio: raw float/double bit patterns (NaN, +-Inf, denormals, +-1e38 all occur) into every lossy encoder
// and a few lossless ones, in chunks of fuzzed sizes, through StreamWriter into memory. DESIGN.md rule 7: sample
// values are data; no value may abort the process or end an output.

#include "FuzzInput.h"
#include "FuzzSupport.h"

#include <capstan/media/MemorySink.h>
#include <capstan/media/StreamWriter.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

namespace
{
using namespace capstan;
using capstan::fuzz::fuzzCheck;

struct EncoderChoice
{
    std::string encoder;
    std::string muxer;
    int maxChannels;
};

const std::vector<EncoderChoice> encoders = {
    {"libmp3lame", "mp3", 2}, {"aac", "adts", 8},      {"libopus", "ogg", 8},   {"libvorbis", "ogg", 8},
    {"flac", "flac", 8},      {"pcm_s16le", "wav", 8}, {"pcm_f32le", "wav", 8},
};
const std::vector<int> sampleRates = {48000, 44100, 8000, 16000, 22050, 24000, 32000, 96000};
const std::vector<SampleFormat> formats = {SampleFormat::flt, SampleFormat::fltp, SampleFormat::dbl,
                                           SampleFormat::dblp};
// Caps the samples per input, so that a large corpus file stays a quick case.
constexpr size_t maxSampleBytes = 1 << 18;

/** Configures and opens a writer; false when the configuration is refused (a capstan::Error, which is fine). */
bool openWriter(StreamWriter& writer, const EncoderChoice& choice, int sampleRate, int numChannels, SampleFormat format,
                int& stream)
{
    try
    {
        stream = writer.addAudioStream(
            {.sampleRate = sampleRate, .numChannels = numChannels, .format = format, .encoder = choice.encoder});
        writer.open();
        return true;
    }
    catch (const capstan::Error&)
    {
        return false;
    }
}

void encode(capstan::fuzz::FuzzInput& input)
{
    const auto& choice = input.pick(encoders);
    const int numChannels = int(input.takeInRange(1, choice.maxChannels));
    const int sampleRate = input.pick(sampleRates);
    const SampleFormat format = input.pick(formats);
    int64_t chunkSizes[4];
    for (auto& chunkSize : chunkSizes)
        chunkSize = input.takeInRange(1, 4096);

    const auto raw = input.takeBytes(maxSampleBytes);
    const size_t sampleBytes = size_t(bytesPerSample(format));
    const int64_t numFrames = int64_t(raw.size() / (sampleBytes * size_t(numChannels)));

    // Copy into aligned storage (doubles need it); bytes become samples bit for bit. Planar data is channel after
    // channel.
    std::vector<double> storage(size_t(numFrames) * size_t(numChannels) + 1);
    auto* base = reinterpret_cast<uint8_t*>(storage.data());
    std::memcpy(base, raw.data(), size_t(numFrames) * sampleBytes * size_t(numChannels));

    MemorySink sink;
    StreamWriter writer(sink, choice.muxer);
    int stream = -1;
    if (!openWriter(writer, choice, sampleRate, numChannels, format, stream))
        return;

    const bool planar = isPlanar(format);
    const size_t frameBytes = planar ? sampleBytes : sampleBytes * size_t(numChannels);
    const size_t planeBytes = size_t(numFrames) * sampleBytes;
    std::vector<const void*> planes(planar ? size_t(numChannels) : 1);
    try
    {
        int64_t done = 0;
        for (int chunk = 0; done < numFrames; ++chunk)
        {
            const int64_t count = std::min(numFrames - done, chunkSizes[chunk % 4]);
            for (size_t p = 0; p < planes.size(); ++p)
                planes[p] = base + p * planeBytes + size_t(done) * frameBytes;
            writer.writeAudioChunk(stream, AudioData{format, planes.data(), int(planes.size()), count});
            done += count;
        }
        writer.close();
    }
    catch (const capstan::Error& error)
    {
        // The configuration was accepted: from here on only sample values vary, and they must not end the output.
        std::fprintf(stderr, "%s\n", error.what());
        fuzzCheck(false, "sample values made an opened writer fail");
    }
    // A muxer without a header (adts, mp3) rightly writes nothing for no samples.
    fuzzCheck(numFrames == 0 || !sink.bytes().empty(), "samples were written, yet the closed writer left no bytes");
}
} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    capstan::fuzz::silenceFfmpeg();

    capstan::fuzz::FuzzInput input(data, size);
    encode(input);
    return 0;
}
