#include "EncodeCommand.h"

#include "ArgumentParser.h"
#include "CommandSupport.h"
#include "EncodeChoices.h"
#include "EncodeCopy.h"
#include "EncodeOutputs.h"
#include "EncodeRequest.h"
#include "InterruptGuard.h"
#include "OutputFile.h"
#include "ProgressLine.h"
#include "StreamSelection.h"

#include <capstan/media/MediaReader.h>
#include <capstan/media/NetworkUrl.h>
#include <capstan/media/StreamWriter.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>
#include <memory>
#include <thread>

extern "C"
{
#include <libavutil/error.h>
}

namespace capstan::cli
{
namespace
{
ArgumentParser makeParser()
{
    ArgumentParser parser("capstan encode",
                          "Decode INPUT (any file or URL FFmpeg reads; its main audio stream and, if it has one, its "
                          "main video stream) and encode it into OUTPUT through capstan::StreamWriter, feeding it "
                          "--chunk-frames samples per write and the video frames in step with the audio by time. "
                          "Several OUTPUTs are encoded from one decode, each with the options written before it.");
    parser.positional("INPUT", "file path or URL to read")
        .positionalList("OUTPUT",
                        "file path, URL (rtmp://, srt://, udp://, ...), a .m3u8 playlist (HLS), a device name with "
                        "--format alsa|pulse|sdl..., or '-' for standard output")
        .option("format", "F",
                "output muxer or device, e.g. wav, mp3, ogg, mp4, matroska, hls, alsa, pulse (default: from "
                "OUTPUT's scheme (rtmp: flv; srt, udp: mpegts) or extension; required for '-')")
        .number("timeout", "S", "network: give up when the server makes no progress for S seconds (default 10)",
                {NumberKind::real, 0.001, 86400})
        .flag("realtime", "send no faster than real time (streaming a file to a live server, like ffmpeg -re)")
        .option("format-option", "KEY=VALUE", "option for the muxer or protocol, e.g. movflags=+faststart", true)
        .option("metadata", "KEY=VALUE", "container metadata, e.g. title=Take 1", true)
        .option("input-format", "F", "force the input demuxer, e.g. nut")
        .number("chunk-frames", "N", "audio samples per channel per write (default 4096)",
                {NumberKind::integer, 1, 1 << 20})
        // what part of the input
        .number("ss", "POS", "start at POS (seconds or [HH:]MM:SS[.f]); audio is cut on the exact sample",
                {NumberKind::duration, 0, 1e9})
        .number("to", "POS", "stop at POS of the input (exclusive)", {NumberKind::duration, 0, 1e9})
        .number("duration", "D", "encode at most D (seconds or [HH:]MM:SS[.f]) from --ss",
                {NumberKind::duration, 0, 1e9}, "t");
    addStreamSelectionOptions(parser)
        // audio stream
        .option("encoder", "E",
                "audio encoder, e.g. flac, libmp3lame, aac, libopus (default: the muxer's); 'copy' remuxes the "
                "packets without re-encoding (and copies the video too unless --no-video)")
        .option("encoder-format", "F", "audio sample format fed to the encoder, e.g. s16, fltp")
        .number("encoder-sample-rate", "N", "resample the audio to N Hz (libswresample)",
                {NumberKind::integer, 1000, 768000})
        .number("encoder-channels", "N", "remix the audio to N channels (libswresample)", {NumberKind::integer, 1, 64})
        .number("bit-rate", "N", "audio bit rate in bits per second, e.g. 192000 or 192k",
                {NumberKind::bitRate, 1000, 50e6})
        .number("compression-level", "N", "audio compression level, e.g. 0..12 for flac", {NumberKind::integer, 0, 12})
        .number("qscale", "N", "audio fixed quality, e.g. 0..9 for libmp3lame, 0..10 for libvorbis",
                {NumberKind::integer, 0, 10})
        .option("option", "KEY=VALUE", "private option for the audio encoder, e.g. vbr=on", true)
        .option("filter", "DESC", "libavfilter graph applied to the audio before encoding, e.g. volume=0.5")
        .flag("no-audio", "leave the audio out")
        // video stream
        .option("video-encoder", "E", "video encoder, e.g. libx264, png, ffv1 (default: the muxer's); 'copy' remuxes")
        .option("video-encoder-format", "F", "pixel format fed to the video encoder, e.g. yuv420p, yuv422p")
        .option("video-frame-rate", "R", "convert the video to this frame rate, e.g. 30 or 30000/1001")
        .option("video-size", "WxH", "scale the video to W x H (libswscale)")
        .number("video-bit-rate", "N", "video bit rate in bits per second, e.g. 2500k or 8M",
                {NumberKind::bitRate, 1000, 2e9})
        .number("gop", "N", "video: frames between key frames", {NumberKind::integer, 0, 100000})
        .number("max-b-frames", "N", "video: consecutive B-frames", {NumberKind::integer, 0, 16})
        .option("video-option", "KEY=VALUE", "private option for the video encoder, e.g. preset=veryfast", true)
        .option("video-filter", "DESC", "libavfilter graph applied to the video before encoding, e.g. hflip")
        .flag("no-video", "leave the video out");
    addOverwriteFlags(parser);
    ProgressLine::addFlags(parser);
    addVerboseFlag(parser);
    parser.epilog(
        "Which option goes where: --encoder, --encoder-*, --bit-rate, --compression-level, --qscale, --option and\n"
        "--filter configure the AUDIO stream; the --video-* options, --gop and --max-b-frames configure the VIDEO\n"
        "stream; --format-option goes to the muxer and the protocol. Every KEY must be known to what it is given\n"
        "to: an unknown one is an error, never ignored. Encoders use FFmpeg's automatic thread count unless a\n"
        "threads=N option says otherwise (as the ffmpeg CLI does).\n"
        "A stream the output format cannot carry (video into wav or mp3, audio into png) is left out. Channels the "
        "audio\n"
        "encoder cannot take are remixed (5.1 into mp3: stereo); the summary line says so, as it says every\n"
        "resampling. --ss/--to/-t cut audio on the exact sample and video on frames (with copy: on packets,\n"
        "video from the key frame before --ss). --map 0:a:1 or --audio-stream 1 picks the second audio stream.\n"
        "An existing OUTPUT is replaced only with -y; OUTPUT may never be INPUT. After a failure the partial OUTPUT\n"
        "is removed (one that existed before is left, and the error says so). Ctrl-C, SIGTERM or SIGHUP finish\n"
        "OUTPUT cleanly (it plays up to there); a second one aborts.\n"
        "Progress (position, speed, ETA, fps) is shown on stderr when it is a terminal (--stats, --no-stats); a\n"
        "summary of what was chosen ends every encode. Exit codes: 0 success, 1 failure, 2 usage error.\n"
        "Several outputs (like ffmpeg): INPUT is decoded once and each OUTPUT has its own encoders. The OUTPUT\n"
        "options (--format, --format-option, --metadata, --timeout, the audio and video options above, --no-audio,\n"
        "--no-video) apply to the output written after them (before the first OUTPUT: to the first); with several\n"
        "outputs none may follow the last one. The others hold for every output: INPUT, --input-format, --ss/--to/-t,\n"
        "--map/--audio-stream/--video-stream, --chunk-frames, --realtime, --stats, -y/-n. Every output is checked\n"
        "before any opens (none replaced without -y, no two the same file); a failure removes every partial output;\n"
        "Ctrl-C finishes them all. --encoder copy takes one output.\n\n"
        "examples:\n"
        "  capstan encode take.wav take.mp3 --encoder libmp3lame --bit-rate 192000\n"
        "  capstan encode take.wav --encoder flac take.flac --bit-rate 128k take.mp3   # two outputs, one decode\n"
        "  capstan encode clip.mkv clip.mp4 --video-encoder libx264 --video-option preset=veryfast\n"
        "  capstan encode take.wav - --format flac > take.flac\n"
        "  capstan encode concert.mkv song3.mka --ss 12:30 -t 4:05 --encoder copy   # cut, no re-encoding\n"
        "  capstan encode film.mkv commentary.mp3 --map 0:a:1                     # the second audio stream\n"
        "  capstan encode show.mp4 rtmp://live.example.com/app/KEY --realtime   # flv: aac + libx264 by default\n"
        "  capstan encode take.wav 'srt://host:9000?latency=200000'               # mpegts\n"
        "  capstan encode take.wav hls/stream.m3u8 --format-option hls_time=2\n"
        "  capstan encode take.wav default --format alsa                         # play it");
    return parser;
}

/** The part of a decoded chunk between two sample positions, as StreamWriter takes it. */
AudioData slice(const AudioChunk& chunk, std::vector<const void*>& planes, int64_t from, int64_t count)
{
    planes = chunk.planePointers();
    const size_t step = size_t(bytesPerSample(chunk.format)) * (isPlanar(chunk.format) ? 1 : size_t(chunk.numChannels));
    for (auto& plane : planes)
        plane = static_cast<const uint8_t*>(plane) + size_t(from) * step;
    return AudioData{chunk.format, planes.data(), int(planes.size()), count};
}

/** One OUTPUT while encoding: what it was asked, its writer and the streams it takes. */
struct Output
{
    const ParsedArguments& a;
    const EncodeRequest& r;
    StreamSelection selection;
    std::unique_ptr<StreamWriter> writer;
    int audioStream = -1, videoStream = -1;
};

/** Runs `body` for one output; with several, an error names the output it happened in. */
template <typename Body>
void inOutput(const Output& output, bool several, Body&& body)
{
    if (!several)
        return body();
    try
    {
        body();
    }
    catch (const UsageError& e)
    {
        throw UsageError("'" + output.r.output + "': " + e.what());
    }
    catch (const Error& e)
    {
        throw Error("'" + output.r.output + "': " + e.what(), e.ffmpegErrorCode());
    }
}

/** Checks what `output` takes from the input and refuses options for a stream it will not write. */
void selectFor(Output& output, const MediaReader& reader)
{
    const ParsedArguments& a = output.a;
    const EncodeRequest& r = output.r;
    const auto [muxerAudio, muxerVideo] = muxerTakes(r.output, r.format);
    const bool takesAudio = !a.has("no-audio") && muxerAudio, takesVideo = !a.has("no-video") && muxerVideo;
    output.selection = selectStreams(a, reader.streams(), reader.bestAudioStream(), reader.bestVideoStream(),
                                     takesAudio, takesVideo, r.input);
    if (output.selection.audio < 0 && output.selection.video < 0)
        throw Error("nothing to encode: '" + r.input + "' has no " +
                    (!takesAudio   ? "video"
                     : !takesVideo ? "audio"
                                   : "audio or video") +
                    " stream that the output can take");

    // Options for a stream that will not be written would be silently ignored: say so instead.
    const auto rejectUnused = [&](const std::vector<std::string>& names, const char* kind, const std::string& why)
    {
        for (const auto& name : names)
            if (a.has(name))
                throw UsageError("--" + name + " configures the " + kind + " stream, but no " + kind + " is encoded (" +
                                 why + ")");
    };
    const auto whyNot = [&](bool takes, const char* kind)
    {
        return a.has(std::string("no-") + kind) ? "--no-" + std::string(kind)
               : !takes                         ? "the output format takes no " + std::string(kind)
               : a.has("map")                   ? "--map names no " + std::string(kind) + " stream"
                                                : "'" + r.input + "' has no " + kind + " stream";
    };
    if (output.selection.audio < 0)
        rejectUnused({"encoder", "encoder-format", "encoder-sample-rate", "encoder-channels", "bit-rate",
                      "compression-level", "qscale", "option", "filter"},
                     "audio", whyNot(takesAudio, "audio"));
    if (output.selection.video < 0)
        rejectUnused({"video-encoder", "video-encoder-format", "video-frame-rate", "video-size", "video-bit-rate",
                      "gop", "max-b-frames", "video-option", "video-filter"},
                     "video", whyNot(takesVideo, "video"));
}

/** Makes `output`'s writer and streams (not opened yet). */
void addStreams(Output& output, const MediaReader& reader)
{
    const ParsedArguments& a = output.a;
    const EncodeRequest& r = output.r;
    output.writer = std::make_unique<StreamWriter>(r.output, r.format);
    StreamWriter& writer = *output.writer;
    writer.setMetadata(r.metadata);
    // RTMP servers and players expect AAC and H.264 in flv (the flv muxer's own defaults are mp3 and flv1).
    const bool rtmp = writer.formatName() == "flv" && NetworkUrl::defaultMuxer(r.output) == "flv";
    if (const auto timeout = a.getNumber("timeout"))
        writer.setIoTimeout(*timeout);
    if (output.selection.audio >= 0)
    {
        const MediaStreamInfo& info = reader.streams()[size_t(output.selection.audio)];
        AudioStreamConfig config;
        config.sampleRate = info.sampleRate;
        config.numChannels = info.numChannels;
        config.channelLayout = info.channelLayout;
        config.format = audioFormatFor(info);
        config.encoder = a.get("encoder", rtmp ? "aac" : "");
        config.bitsPerSample = info.bitsPerSample; // a 24-bit WAV stays a 24-bit WAV
        config.encoderFormat = a.get("encoder-format");
        config.encoderSampleRate = int(r.encoderSampleRate.value_or(0));
        // Channels the encoder cannot take are remixed (5.1 into mp3: stereo), and the summary says so.
        config.encoderNumChannels =
            r.encoderChannels
                ? int(*r.encoderChannels)
                : fittingChannelCount(config.encoder, r.output, writer.formatName(), info.numChannels).value_or(0);
        config.encoderOptions = withAutoThreads(r.audioOptions);
        config.codecConfig = r.audioCodec;
        config.filterDesc = a.get("filter");
        output.audioStream = writer.addAudioStream(config);
    }
    if (output.selection.video >= 0)
    {
        const MediaStreamInfo& info = reader.streams()[size_t(output.selection.video)];
        VideoStreamConfig config;
        config.frameRate = info.frameRate.isValid() ? info.frameRate : Rational{25, 1};
        config.width = info.width;
        config.height = info.height;
        config.format = pixelFormatFor(info);
        config.encoder = a.get("video-encoder", rtmp ? "libx264" : "");
        config.encoderFormat = a.get("video-encoder-format");
        config.encoderFrameRate = r.videoRate;
        if (r.videoSize)
        {
            config.encoderWidth = r.videoSize->first;
            config.encoderHeight = r.videoSize->second;
        }
        config.encoderOptions = withAutoThreads(r.videoOptions);
        config.codecConfig = r.videoCodec;
        config.filterDesc = a.get("video-filter");
        output.videoStream = writer.addVideoStream(config);
    }
}

/** Decodes INPUT once and encodes it into every output, each through its own StreamWriter. The global options
    (input, cut, pacing, progress) are the same in every output's arguments: the first one's are read. */
int encode(const std::vector<ParsedArguments>& arguments, const std::vector<EncodeRequest>& requests)
{
    const ParsedArguments& a = arguments.front();
    const EncodeRequest& r = requests.front();
    const bool several = requests.size() > 1;
    MediaReader reader(r.input == "-" ? "pipe:0" : r.input, a.get("input-format"));
    std::vector<Output> outputs;
    for (size_t i = 0; i < requests.size(); ++i)
        outputs.push_back({.a = arguments[i], .r = requests[i]});
    // The input streams are decoded once, for every output that takes them (--map is global: the same ones).
    int audioIndex = -1, videoIndex = -1;
    for (auto& output : outputs)
    {
        inOutput(output, several, [&] { selectFor(output, reader); });
        audioIndex = std::max(audioIndex, output.selection.audio);
        videoIndex = std::max(videoIndex, output.selection.video);
    }
    if (audioIndex >= 0)
        reader.selectAudio(audioIndex, {.format = audioFormatFor(reader.streams()[size_t(audioIndex)])});
    if (videoIndex >= 0)
        reader.selectVideo(videoIndex, {.format = pixelFormatFor(reader.streams()[size_t(videoIndex)])});
    for (auto& output : outputs)
        inOutput(output, several, [&] { addStreams(output, reader); });
    for (auto& output : outputs)
        inOutput(output, several, [&] { output.writer->open(output.r.formatOptions); });
    // Every write goes to each output that takes the stream; an error names the output when there are several.
    const auto forEach = [&](auto&& write)
    {
        for (auto& output : outputs)
            inOutput(output, several, [&] { write(output); });
    };

    ProgressLine progress(a, cutLength(reader.duration(), r.start, r.end));
    // --realtime: hold each write back until the wall clock reaches its media time.
    const bool realtime = a.has("realtime");
    const auto wallStart = std::chrono::steady_clock::now();
    const auto pace = [&](double mediaSeconds)
    {
        if (realtime)
            std::this_thread::sleep_until(wallStart + std::chrono::microseconds(int64_t(mediaSeconds * 1e6)));
    };
    const double endSeconds = r.end.value_or(std::numeric_limits<double>::infinity());
    double lastVideoPts = -std::numeric_limits<double>::infinity();
    VideoFrame frame; // reused: its buffer goes back to the reader for the next frame
    int64_t framesWritten = 0;
    double base = 0.0;     // the input's start: both streams begin at the earliest of their first timestamps
    double position = 0.0; // output seconds written

    // Every frame goes in with its own time so that variable frame rates and gaps survive; the cut moves it.
    const auto writeFrame = [&](const VideoFrame& frame)
    {
        // Seconds from time bases carry rounding (30 * (1/30.) may be 0.99999...): a microsecond of slack.
        constexpr double slack = 1e-6;
        const double pts = std::max(0.0, frame.pts - base - r.start);
        if (pts <= lastVideoPts || frame.pts - base < r.start - slack || frame.pts - base >= endSeconds - slack)
            return; // before the cut, after it, or a repeated timestamp (the encoder needs increasing ones)
        lastVideoPts = pts;
        forEach(
            [&](Output& output)
            {
                if (output.videoStream >= 0)
                    output.writer->writeVideoChunk(output.videoStream, frame.data, std::span<const double>(&pts, 1));
            });
        ++framesWritten;
        position = std::max(position, pts);
    };
    const auto frames = [&] { return videoIndex >= 0 ? framesWritten : int64_t(-1); };

    if (audioIndex >= 0)
    {
        AudioChunk chunk; // reused: the reader refills its buffers
        std::vector<const void*> planes;
        bool more = reader.readAudio(r.chunkFrames, chunk);
        const std::optional<double> firstVideo = videoIndex >= 0 ? reader.peekVideoPts() : std::nullopt;
        if (more)
            base = firstVideo ? std::min(chunk.pts, *firstVideo) : chunk.pts;
        else if (firstVideo)
            base = *firstVideo;
        // The cut in samples: sample-exact, whatever the chunking.
        const int rate = more ? chunk.sampleRate : 1;
        const int64_t cutStart = std::llround(r.start * rate);
        const int64_t cutEnd = r.end ? std::llround(*r.end * rate) : std::numeric_limits<int64_t>::max();
        int64_t cursor = more ? std::llround((chunk.pts - base) * rate) : 0;
        bool first = true;
        for (; more && !InterruptGuard::interrupted(); more = reader.readAudio(r.chunkFrames, chunk))
        {
            const int64_t chunkStart = cursor, chunkEnd = cursor + chunk.numFrames;
            cursor = chunkEnd;
            const int64_t from = std::max(chunkStart, cutStart), to = std::min(chunkEnd, cutEnd);
            if (to > from)
            {
                std::optional<double> pts; // audio that starts after the cut (or after the video) keeps its offset
                if (first && from > cutStart)
                    pts = double(from - cutStart) / rate;
                first = false;
                const AudioData part = slice(chunk, planes, from - chunkStart, to - from);
                forEach(
                    [&](Output& output)
                    {
                        if (output.audioStream >= 0)
                            output.writer->writeAudioChunk(output.audioStream, part, pts);
                    });
                position = std::max(position, double(to - cutStart) / rate);
            }
            if (videoIndex >= 0)
                while (auto next = reader.peekVideoPts())
                {
                    if (*next - base >= double(chunkEnd) / rate)
                        break;
                    reader.readVideoFrame(frame);
                    writeFrame(frame);
                }
            progress.update(position, frames());
            pace(position);
            if (chunkEnd >= cutEnd)
                break;
        }
    }
    if (videoIndex >= 0)
    {
        if (audioIndex < 0)
            if (auto firstVideo = reader.peekVideoPts())
                base = *firstVideo;
        while (!InterruptGuard::interrupted())
        {
            if (const auto next = reader.peekVideoPts(); !next || *next - base >= endSeconds - 1e-6)
                break;
            reader.readVideoFrame(frame);
            writeFrame(frame);
            progress.update(position, frames());
            pace(position);
        }
    }
    // Also after an interrupt: the trailer (mp4 moov, webm cues) makes each file play.
    forEach([](Output& output) { output.writer->close(); });
    progress.finish(position, frames());
    // What was chosen: always when a person watches; in scripts only when something was converted unasked (a
    // 96 kHz source that became 48 kHz MP3, a 5.1 one that became stereo), so that no such conversion goes unsaid.
    for (const auto& output : outputs)
    {
        std::string summary;
        bool converted = false;
        const ConversionsAsked asked{.sampleRate = output.r.encoderSampleRate.has_value() || output.a.has("filter"),
                                     .channels = output.r.encoderChannels.has_value() || output.a.has("filter"),
                                     .size = output.r.videoSize.has_value() || output.a.has("video-filter"),
                                     .frameRate = output.r.videoRate.isValid() || output.a.has("video-filter")};
        for (const auto& [stream, index] :
             {std::pair{output.audioStream, audioIndex}, {output.videoStream, videoIndex}})
            if (stream >= 0)
                summary += "capstan:   " +
                           describeChoice(reader.streams()[size_t(index)], output.writer->streamInfo(stream), asked,
                                          converted) +
                           "\n";
        if (progress.isShown() || converted)
            std::fprintf(stderr, "capstan: wrote %s to %s (%.3f s)\n%s",
                         formatBytes(output.writer->bytesWritten()).c_str(), output.r.output.c_str(), position,
                         summary.c_str());
    }
    if (r.start > 0 && position == 0.0)
        std::fprintf(stderr, "capstan: warning: --ss %.3f is at or past the end of '%s': nothing was encoded\n",
                     r.start, r.input.c_str());
    // A cut-short input is encoded as far as it goes; say how far that was against what its header promised.
    if (const auto truncated = reader.truncation())
        std::fprintf(stderr, "capstan: warning: %s; encoded what is there\n", truncated->message.c_str());
    // Every output got the same samples, so the first one with audio tells the repairs of all.
    for (const auto& output : outputs)
        if (output.audioStream >= 0)
        {
            const SampleRepairs& repairs = output.writer->sampleRepairs(output.audioStream);
            const double first = repairs.intervals.empty() ? 0.0
                                                           : double(repairs.intervals.front().position) /
                                                                 reader.streams()[size_t(audioIndex)].sampleRate;
            if (const auto text =
                    describeRepairs(repairs.nonFiniteSamples, repairs.clippedSamples, first, repairs.intervalCount);
                !text.empty())
                std::fprintf(stderr, "capstan: warning: %s\n", text.c_str());
            break;
        }
    if (InterruptGuard::interrupted())
    {
        std::string names;
        for (const auto& output : outputs)
            names += (names.empty() ? "'" : ", '") + output.r.output + "'";
        std::fprintf(stderr, "capstan: interrupted by %s: %s %s finished cleanly and %s the first %.3f s\n",
                     InterruptGuard::signalName().c_str(), names.c_str(), several ? "were" : "was",
                     several ? "hold" : "holds", position);
        return 1;
    }
    return 0;
}

CopyRequest copyRequestFrom(const ParsedArguments& a, const EncodeRequest& r)
{
    return {.input = r.input,
            .inputFormat = a.get("input-format"),
            .output = r.output,
            .format = r.format,
            .start = r.start,
            .end = r.end,
            .formatOptions = r.formatOptions,
            .metadata = r.metadata};
}

} // namespace

int runEncodeCommand(const std::vector<std::string>& args)
{
    const ArgumentParser parser = makeParser();
    const auto parsed = parseCommandLine(parser, args);
    if (!parsed)
        return 0; // --help was printed
    const std::vector<ParsedArguments> arguments = argumentsPerOutput(*parsed);
    std::vector<EncodeRequest> requests;
    for (const auto& perOutput : arguments)
        requests.push_back(requestFrom(perOutput));
    refuseSharedOutputs(requests);

    // What the user has is safe before anything opens: no output onto the input, no silent overwrite, for every
    // output before the first one is opened.
    std::vector<OutputFile> outputFiles;
    for (const auto& request : requests)
    {
        OutputFile& outputFile = outputFiles.emplace_back(request.output, request.format);
        outputFile.refuseInput(request.input);
        outputFile.checkOverwrite(*parsed, request.input != "-"); // with the media on stdin there is no one to ask
    }
    const InterruptGuard interruptGuard; // the first Ctrl-C finishes every output cleanly, a second one aborts
    return OutputFile::runOrCleanUp(
        outputFiles,
        [&]
        {
            try
            {
                const int code = requests.size() == 1 && wantsStreamCopy(*parsed)
                                     ? runStreamCopy(*parsed, copyRequestFrom(*parsed, requests.front()))
                                     : encode(arguments, requests);
                for (const auto& outputFile : outputFiles)
                    outputFile.checkStillThere();
                return code;
            }
            catch (const Error& e)
            {
                const bool toStdout = std::any_of(requests.begin(), requests.end(),
                                                  [](const EncodeRequest& r) { return r.output == "-"; });
                if (toStdout && e.ffmpegErrorCode() == AVERROR(EPIPE))
                    throw Error("standard output was closed before the end (the program reading it, e.g. head, "
                                "stopped): the output is incomplete");
                throw Error(withOptionNames(e.what()), e.ffmpegErrorCode());
            }
        });
}

} // namespace capstan::cli
