#include "VisualizeCommand.h"

#include "ArgumentParser.h"
#include "CommandSupport.h"
#include "InterruptGuard.h"
#include "OutputFile.h"
#include "ProgressLine.h"

#include <capstan/media/MediaReader.h>
#include <capstan/media/StreamWriter.h>
#include <capstan/visual/SpectrumVisualizer.h>

#include <cstdio>

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
        .number("fft", "N", "FFT window in samples (default 4000; zero-padded to a power of two)",
                {NumberKind::integer, 16, 1 << 20})
        .option("size", "WxH", "picture size, even sides from 16 to 7680 (default 320x240)")
        .number("max-frequency", "HZ", "highest frequency drawn, at the right edge (default 8000; 0: Nyquist)",
                {NumberKind::integer, 0, 384000})
        .number("audio-bit-rate", "N", "aac bit rate in bits per second, e.g. 128k (default: the encoder's)",
                {NumberKind::bitRate, 1000, 50e6})
        .option("video-option", "KEY=VALUE", "private option for libx264, e.g. crf=18 (default preset=veryfast)", true);
    addOverwriteFlags(parser);
    ProgressLine::addFlags(parser);
    addVerboseFlag(parser);
    parser.epilog("An existing OUTPUT is replaced only with -y; after a failure the partial OUTPUT is removed.\n"
                  "Ctrl-C finishes OUTPUT cleanly (it plays up to there); a second one aborts.\n"
                  "Progress (position, speed, ETA, fps) is shown on stderr when it is a terminal (--stats,\n"
                  "--no-stats).\n\n"
                  "examples:\n"
                  "  capstan visualize take.wav take.mp4\n"
                  "  capstan visualize song.flac song.mp4 --fps 30000/1001 --size 640x360 --fft 4096");
    return parser;
}

struct Picture
{
    Rational fps;
    int fftSize = 4000;
    double maxFrequency = 8000;
    int width = 320, height = 240;
};

int visualize(const ParsedArguments& a, const std::string& input, const std::string& output, const Picture& picture)
{
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
                                   .frameRate = picture.fps,
                                   .fftSize = picture.fftSize,
                                   .maxFrequency = picture.maxFrequency,
                                   .width = picture.width,
                                   .height = picture.height});

    StreamWriter writer(output);
    AudioStreamConfig audioConfig{.sampleRate = audioInfo.sampleRate,
                                  .numChannels = audioInfo.numChannels,
                                  .channelLayout = audioInfo.channelLayout,
                                  .format = SampleFormat::flt,
                                  .encoder = "aac"};
    if (auto bitRate = a.getNumber("audio-bit-rate"))
        audioConfig.codecConfig.bitRate = int64_t(*bitRate);
    const int audio = writer.addAudioStream(audioConfig);

    Options videoOptions = a.getKeyValues("video-option");
    bool hasPreset = false;
    for (const auto& [key, value] : videoOptions)
        hasPreset = hasPreset || key == "preset";
    if (!hasPreset)
        videoOptions.emplace_back("preset", "veryfast");
    const int video = writer.addVideoStream({.frameRate = picture.fps,
                                             .width = picture.width,
                                             .height = picture.height,
                                             .format = visualizer.pixelFormat(),
                                             .encoder = "libx264",
                                             .encoderFormat = "yuv420p",
                                             .encoderOptions = videoOptions});
    writer.open();

    // Frames follow one another from pts 0, so frame i is at exactly i / fps in the video's time base.
    const auto writeFrame = [&](int64_t, std::span<const uint8_t> pixels) { writer.writeVideoChunk(video, pixels); };
    ProgressLine progress(a, reader.duration());
    const auto seconds = [&] { return double(visualizer.samplesPushed()) / audioInfo.sampleRate; };
    while (!InterruptGuard::interrupted())
    {
        auto chunk = reader.readAudio(4096);
        if (!chunk)
            break;
        const auto* samples = reinterpret_cast<const float*>(chunk->planes[0].data());
        const std::span<const float> interleaved(samples, size_t(chunk->numFrames) * size_t(chunk->numChannels));
        writer.writeAudioChunk(audio, interleaved);
        visualizer.pushAudio(interleaved, writeFrame);
        progress.update(seconds(), visualizer.framesDrawn());
    }
    visualizer.finish(writeFrame);
    writer.close();
    progress.finish(seconds(), visualizer.framesDrawn());

    const double videoSeconds = double(visualizer.framesDrawn()) / picture.fps.toDouble();
    if (progress.isShown())
        std::fprintf(stderr, "capstan: wrote %lld frames (%.3f s of video) and %.3f s of audio to %s (%s)\n",
                     (long long)visualizer.framesDrawn(), videoSeconds,
                     double(visualizer.samplesPushed()) / audioInfo.sampleRate, output.c_str(),
                     formatBytes(writer.bytesWritten()).c_str());
    if (InterruptGuard::interrupted())
    {
        std::fprintf(stderr, "capstan: interrupted by %s: '%s' was finished cleanly and holds the first %.3f s\n",
                     InterruptGuard::signalName().c_str(), output.c_str(), videoSeconds);
        return 1;
    }
    return 0;
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
    const Rational fps = parsePictureRate("fps", a.get("fps", "20"));
    const int fftSize = int(a.getNumber("fft").value_or(4000));
    const auto [width, height] = parsePictureSize("size", a.get("size", "320x240"));
    const double maxFrequency = a.getNumber("max-frequency").value_or(8000);
    a.getKeyValues("video-option"); // a malformed KEY=VALUE is a usage error before anything opens

    OutputFile outputFile(output);
    outputFile.refuseInput(input);
    outputFile.checkOverwrite(a);
    const InterruptGuard interruptGuard;
    return outputFile.runOrCleanUp(
        [&]
        {
            const int code = visualize(a, input, output, {fps, fftSize, maxFrequency, width, height});
            outputFile.checkStillThere();
            return code;
        });
}

} // namespace capstan::cli
