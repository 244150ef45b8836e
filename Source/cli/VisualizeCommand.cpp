#include "VisualizeCommand.h"

#include "ArgumentParser.h"
#include "CommandSupport.h"

#include <capstan/media/MediaReader.h>
#include <capstan/media/StreamWriter.h>
#include <capstan/visual/SpectrumVisualizer.h>

#include <cstdio>
#include <filesystem>

namespace capstan::cli
{
namespace
{
ArgumentParser makeParser()
{
    ArgumentParser parser("capstan visualize",
                          "Draw INPUT's audio as a spectrum video (one FFT per frame, mirrored filled spectrum) and "
                          "write it with the original audio into OUTPUT: libx264 video, aac audio, frame i at "
                          "exactly i / fps, video and audio ending less than one frame apart.");
    parser.positional("INPUT", "file path or URL with an audio stream")
        .positional("OUTPUT", "output file, e.g. out.mp4 (any container that takes h264 and aac: mp4, mkv, mov)")
        .option("fps", "R", "frame rate, e.g. 20, 25 or 30000/1001 (default 20)")
        .option("fft", "N", "FFT window in samples, 16..1048576 (default 4000; zero-padded to a power of two)")
        .option("size", "WxH", "picture size, even sides from 16 to 7680 (default 320x240)")
        .option("max-frequency", "HZ", "highest frequency drawn, at the right edge (default 8000; 0: Nyquist)")
        .option("audio-bit-rate", "N", "aac bit rate in bits per second (default: the encoder's)")
        .option("video-option", "KEY=VALUE", "private option for libx264, e.g. crf=18 (default preset=veryfast)", true);
    addVerboseFlag(parser);
    parser.epilog("examples:\n"
                  "  capstan visualize take.wav take.mp4\n"
                  "  capstan visualize song.flac song.mp4 --fps 30000/1001 --size 640x360 --fft 4096");
    return parser;
}

std::pair<int, int> parseSize(const std::string& text)
{
    int w = 0, h = 0;
    char extra = 0;
    if (std::sscanf(text.c_str(), "%dx%d%c", &w, &h, &extra) != 2 || w < 16 || h < 16 || w > 7680 || h > 7680 ||
        w % 2 != 0 || h % 2 != 0)
        throw UsageError("--size takes WxH with even sides from 16 to 7680 (yuv420p video), e.g. 320x240, got '" +
                         text + "'");
    return {w, h};
}

Rational parseFps(const std::string& text)
{
    Rational fps;
    try
    {
        fps = parseRational(text);
    }
    catch (const Error&)
    {
        fps = {};
    }
    if (!fps.isValid() || fps.toDouble() > 240.0)
        throw UsageError("--fps takes a positive frame rate up to 240, e.g. 20, 25 or 30000/1001, got '" + text + "'");
    return fps;
}
} // namespace

int runVisualizeCommand(const std::vector<std::string>& args)
{
    const ArgumentParser parser = makeParser();
    const auto parsed = parseCommandLine(parser, args);
    if (!parsed)
        return 0; // --help was printed
    const ParsedArguments& a = *parsed;

    const std::string input = a.positional("INPUT");
    const std::string output = a.positional("OUTPUT");
    const Rational fps = parseFps(a.get("fps", "20"));
    const int fftSize = int(a.getInt("fft", 16, 1 << 20).value_or(4000));
    const auto [width, height] = parseSize(a.get("size", "320x240"));
    const double maxFrequency = double(a.getInt("max-frequency", 0, 1'000'000).value_or(8000));

    MediaReader reader(input);
    const int audioIndex = reader.bestAudioStream();
    if (audioIndex < 0)
        throw Error("'" + input + "' has no audio stream to visualize");
    MediaStreamInfo audioInfo;
    for (const auto& s : reader.streams())
        if (s.index == audioIndex)
            audioInfo = s;
    reader.selectAudio(audioIndex, {.format = SampleFormat::flt});

    SpectrumVisualizer visualizer({.sampleRate = audioInfo.sampleRate,
                                   .numChannels = audioInfo.numChannels,
                                   .frameRate = fps,
                                   .fftSize = fftSize,
                                   .maxFrequency = maxFrequency,
                                   .width = width,
                                   .height = height});

    bool finishedWriting = false;
    try
    {
        StreamWriter writer(output);
        AudioStreamConfig audioConfig{.sampleRate = audioInfo.sampleRate,
                                      .numChannels = audioInfo.numChannels,
                                      .channelLayout = audioInfo.channelLayout,
                                      .format = SampleFormat::flt,
                                      .encoder = "aac"};
        if (auto bitRate = a.getInt("audio-bit-rate", 1, 10'000'000))
            audioConfig.codecConfig.bitRate = *bitRate;
        const int audio = writer.addAudioStream(audioConfig);

        Options videoOptions = a.getKeyValues("video-option");
        bool hasPreset = false;
        for (const auto& [key, value] : videoOptions)
            hasPreset = hasPreset || key == "preset";
        if (!hasPreset)
            videoOptions.emplace_back("preset", "veryfast");
        const int video = writer.addVideoStream({.frameRate = fps,
                                                 .width = width,
                                                 .height = height,
                                                 .format = visualizer.pixelFormat(),
                                                 .encoder = "libx264",
                                                 .encoderFormat = "yuv420p",
                                                 .encoderOptions = videoOptions});
        writer.open();

        // Frames follow one another from pts 0, so frame i is at exactly i / fps in the video's time base.
        const auto writeFrame = [&](int64_t, std::span<const uint8_t> pixels)
        { writer.writeVideoChunk(video, pixels); };
        while (auto chunk = reader.readAudio(4096))
        {
            const auto* samples = reinterpret_cast<const float*>(chunk->planes[0].data());
            const std::span<const float> interleaved(samples, size_t(chunk->numFrames) * size_t(chunk->numChannels));
            writer.writeAudioChunk(audio, interleaved);
            visualizer.pushAudio(interleaved, writeFrame);
        }
        visualizer.finish(writeFrame);
        writer.close();
        finishedWriting = true;

        if (stderrIsTerminal())
            std::fprintf(stderr, "capstan: wrote %lld frames (%.3f s of video) and %.3f s of audio to %s (%s)\n",
                         (long long)visualizer.framesDrawn(), double(visualizer.framesDrawn()) / fps.toDouble(),
                         double(visualizer.samplesPushed()) / audioInfo.sampleRate, output.c_str(),
                         formatBytes(writer.bytesWritten()).c_str());
    }
    catch (...)
    {
        // Never leave a half-written file behind without saying so: remove it, the error says why.
        std::error_code ignored;
        if (!finishedWriting && output != "-")
            std::filesystem::remove(output, ignored);
        throw;
    }
    return 0;
}

} // namespace capstan::cli
