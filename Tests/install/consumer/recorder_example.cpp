// The README's recorder example, as a program: a second of audio pushed in 512-frame callbacks into a FLAC and an
// MP3 at once, then the FLAC read back sample for sample.
// Usage: recorder_example FOLDER

#include <capstan/media/Error.h>
#include <capstan/media/MediaReader.h>
#include <capstan/realtime/Recorder.h>

#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

int main(int argc, char** argv)
{
    if (argc != 2)
    {
        std::fprintf(stderr, "usage: recorder_example FOLDER\n");
        return 2;
    }
    const std::string folder = argv[1];
    constexpr int rate = 48000, blockSize = 512, numBlocks = 94; // just over a second

    try
    {
        // From the README, with the paths in FOLDER:
        capstan::RecorderConfig config;
        config.sampleRate = 48000;
        config.numChannels = 2;
        config.preRollSeconds = 2; // the 2 s before start() open the file
        config.outputs = {{.path = folder + "/take.flac", .encoder = "flac"}, {.path = folder + "/take.mp3"}};
        capstan::Recorder recorder(config);
        recorder.arm();   // allocates everything before the first callback
        recorder.start(); // opens the outputs (errors are thrown here, not on the audio thread)

        std::vector<float> left(blockSize), right(blockSize);
        const float* channels[] = {left.data(), right.data()};
        for (int b = 0; b < numBlocks; ++b)
        {
            for (int i = 0; i < blockSize; ++i)
            {
                const int n = b * blockSize + i;
                left[size_t(i)] = 0.25f * float(std::sin(2 * M_PI * 440 * n / rate));
                right[size_t(i)] = float(n % 100) / 200.0f;
            }
            recorder.pushAudio(channels, 2, blockSize); // never blocks
        }
        recorder.stop(); // drains and finalizes
        const auto stats = recorder.stats();
        std::printf("recorder_example: pushed %lld frames, wrote %lld, dropped %lld, %lld write errors\n",
                    (long long)stats.framesPushed, (long long)stats.framesWritten, (long long)stats.droppedFrames,
                    (long long)stats.writeErrors);
        if (stats.framesPushed != numBlocks * blockSize || stats.writeErrors != 0 || !stats.firstError.empty())
            return 1;

        // Every frame is in the FLAC as it was pushed (the encoder gets 24 bits of float input: far within 1/32768).
        capstan::MediaReader reader(folder + "/take.flac");
        reader.selectAudio(reader.bestAudioStream(), {.format = capstan::SampleFormat::flt});
        std::vector<float> decoded;
        while (auto chunk = reader.readAudio(4096))
        {
            const auto* samples = reinterpret_cast<const float*>(chunk->planes.at(0).data());
            decoded.insert(decoded.end(), samples, samples + chunk->numFrames * 2);
        }
        const auto frames = int64_t(decoded.size() / 2);
        if (frames != stats.framesWritten)
        {
            std::fprintf(stderr, "recorder_example: the FLAC has %lld frames\n", (long long)frames);
            return 1;
        }
        if (stats.droppedFrames == 0)
            for (int64_t n = 0; n < frames; ++n)
                if (std::abs(decoded[size_t(2 * n + 1)] - float(n % 100) / 200.0f) > 1.0f / 32768)
                {
                    std::fprintf(stderr, "recorder_example: sample %lld differs\n", (long long)n);
                    return 1;
                }
        capstan::MediaReader mp3(folder + "/take.mp3");
        std::printf("recorder_example: take.flac and take.mp3 (%s) written\n", mp3.streams().at(0).codec.c_str());
    }
    catch (const capstan::Error& e)
    {
        std::fprintf(stderr, "recorder_example: %s\n", e.what());
        return 1;
    }
    return 0;
}
