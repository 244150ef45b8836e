// The README's library example, as a program: one second of a stereo sine into an MP3, then read back.
// Usage: library_example OUTPUT.mp3

#include <capstan/media/Error.h>
#include <capstan/media/MediaReader.h>
#include <capstan/media/StreamWriter.h>

#include <cmath>
#include <cstdio>
#include <span>
#include <vector>

int main(int argc, char** argv)
{
    if (argc != 2)
    {
        std::fprintf(stderr, "usage: library_example OUTPUT.mp3\n");
        return 2;
    }
    constexpr int rate = 48000;
    std::vector<float> block(2 * rate); // interleaved stereo
    for (int i = 0; i < rate; ++i)
        block[size_t(2 * i)] = block[size_t(2 * i + 1)] = 0.5f * float(std::sin(2 * M_PI * 440 * i / rate));

    try
    {
        // From the README, unchanged but for the path:
        capstan::StreamWriter writer(argv[1]);
        const int audio = writer.addAudioStream({.sampleRate = 48000,
                                                 .numChannels = 2,
                                                 .format = capstan::SampleFormat::flt, // interleaved float
                                                 .encoder = "libmp3lame",
                                                 .codecConfig = {.bitRate = 192000}});
        writer.open();
        writer.writeAudioChunk(audio, std::span<const float>(block)); // any length, as often as needed
        writer.close();                                               // drains the encoder, writes the trailer

        capstan::MediaReader reader(argv[1]);
        const int stream = reader.bestAudioStream();
        reader.selectAudio(stream, {.format = capstan::SampleFormat::flt});
        int64_t frames = 0;
        while (auto chunk = reader.readAudio(4096))
            frames += chunk->numFrames;
        const auto& info = reader.streams().at(size_t(stream));
        std::printf("library_example: %s: %s, %d Hz, %d channels, %lld frames decoded\n", argv[1], info.codec.c_str(),
                    info.sampleRate, info.numChannels, (long long)frames);
        // An MP3 keeps the length to within one 1152-sample frame of encoder delay and padding.
        if (info.sampleRate != rate || info.numChannels != 2 || std::abs(frames - rate) > 1152 * 2)
        {
            std::fprintf(stderr, "library_example: unexpected stream\n");
            return 1;
        }
    }
    catch (const capstan::Error& e)
    {
        std::fprintf(stderr, "library_example: %s\n", e.what());
        return 1;
    }
    return 0;
}
