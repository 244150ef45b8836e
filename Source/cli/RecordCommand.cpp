#include "RecordCommand.h"

#include "ArgumentParser.h"
#include "CommandSupport.h"
#include "InterruptGuard.h"
#include "RecordReport.h"
#include "RecordVideoSource.h"
#include "RecordVisualize.h"
#include "TakeFiles.h"

#include <capstan/media/Error.h>
#include <capstan/media/MediaReader.h>
#include <capstan/media/NetworkUrl.h>
#include <capstan/realtime/CallbackDriver.h>
#include <capstan/visual/LiveSpectrumVideo.h>
#if CAPSTAN_HAVE_DEVICES
#include <capstan/devices/DeviceInput.h>
#include <capstan/devices/DeviceList.h>
#endif

#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <thread>

namespace capstan::cli
{

namespace
{
constexpr int maxOutputs = 8;
/** Stops the recorder; returns how long finalizing took, in seconds. */
double stopTimed(Recorder& recorder)
{
    const auto stopBegin = std::chrono::steady_clock::now();
    recorder.stop();
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - stopBegin).count();
}

bool isMatroskaPath(const std::string& path)
{
    std::string ext = std::filesystem::path(path).extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return char(std::tolower(c)); });
    return ext == ".mkv" || ext == ".mka";
}

/** `--source file:`: the recording keeps the file's rate and channel count unless --sample-rate/--channels say
    otherwise (one rule for every source: the source's own format unless told). A file that cannot be read is left
    to TestSignal, which says why. */
void keepFileFormat(const ParsedArguments& arguments, TestSignal::Spec& spec, RecorderConfig& config)
{
    if (arguments.getOptional("sample-rate") && arguments.getOptional("channels"))
        return;
    try
    {
        const MediaReader reader(spec.filePath);
        const int index = reader.bestAudioStream();
        if (index < 0)
            return;
        const auto& stream = reader.streams()[size_t(index)];
        if (!arguments.getOptional("sample-rate") && stream.sampleRate >= 1000 && stream.sampleRate <= 768000)
            config.sampleRate = spec.sampleRate = stream.sampleRate;
        if (!arguments.getOptional("channels") && stream.numChannels >= 1 && stream.numChannels <= 64)
            config.numChannels = spec.numChannels = stream.numChannels;
    }
    catch (const Error&)
    {
    }
}

/** Says which takes were numbered because their name was taken. */
void printNotes(const TakeFiles& takeFiles)
{
    for (const auto& note : takeFiles.notes())
        std::fprintf(stderr, "capstan: %s\n", note.c_str());
}

/** The live spectrum video for --visualize (null without it); start() it before the recorder is armed. With a
    --video-source it is drawn over the source's picture (attach the source first). */
std::unique_ptr<LiveSpectrumVideo> makeLiveVideo(const ParsedArguments& arguments, Recorder& recorder,
                                                 RecordVideoSource& videoSource)
{
    const VideoSpec& video = recorder.config().video;
    if (!video.enabled || !arguments.getOptional("visualize"))
        return nullptr;
    if (PreviewFrame* overlay = videoSource.overlay())
        return std::make_unique<LiveSpectrumVideo>(
            recorder,
            SpectrumVisualizerConfig{
                .frameRate = video.frameRate, .width = overlay->width(), .height = overlay->height()},
            [overlay](std::span<const uint8_t> pixels) { overlay->offer(pixels); });
    return std::make_unique<LiveSpectrumVideo>(
        recorder, SpectrumVisualizerConfig{.frameRate = video.frameRate, .width = video.width, .height = video.height});
}

void printLiveVideo(const LiveSpectrumVideo* liveVideo)
{
    if (liveVideo == nullptr)
        return;
    std::printf("video: %lld spectrum frames", (long long)liveVideo->videoFramesPushed());
    if (liveVideo->framesLost() > 0)
        std::printf(", %lld audio frames missed by the picture (drawn as silence)", (long long)liveVideo->framesLost());
    if (liveVideo->videoFramesRejected() > 0)
        std::printf(", %lld frames refused by the recorder", (long long)liveVideo->videoFramesRejected());
    std::printf("\n");
}

#if CAPSTAN_HAVE_DEVICES
/** `--source device[:NAME]`: a real input through JUCE (DeviceInput), at the device's own clock and rate. */
int recordFromDevice(const ParsedArguments& arguments, RecorderConfig config, RecordVideoSource& videoSource,
                     const std::string& source, int blockFrames, bool asked)
{
    const double duration = arguments.getNumber("duration").value_or(-1.0);
    std::unique_ptr<DeviceInput> device;
    try
    {
        device = std::make_unique<DeviceInput>(DeviceInput::Request{.name = source.size() > 7 ? source.substr(7) : "",
                                                                    .sampleRate = config.sampleRate,
                                                                    .numChannels = config.numChannels,
                                                                    .blockFrames = blockFrames});
    }
    catch (const Error& e)
    {
        if (!asked)
            throw Error(std::string("no audio input to record from (the default source): ") + e.what() +
                        "; list the inputs with `capstan devices`, or choose --source tone|noise|file:PATH|"
                        "device:NAME");
        throw Error("--source " + source + ": " + e.what() + "; use --source tone|noise|file:PATH");
    }

    if (device->numChannels() != config.numChannels && arguments.getOptional("channels"))
        throw Error("--channels " + std::to_string(config.numChannels) + ": the device '" + device->deviceName() +
                    "' opened with " + std::to_string(device->numChannels()) + " input channel(s)");
    // The device's clock rules: record at the rate and channel count it actually runs at, and say so.
    std::fprintf(stderr, "capstan: recording from %s '%s': %d Hz, %d channel(s), %d-frame blocks%s\n",
                 device->typeName().c_str(), device->deviceName().c_str(), device->sampleRate(), device->numChannels(),
                 device->blockFrames(), asked ? "" : " (the default input; `capstan devices` lists the others)");
    // ALSA's jack PCM reads JACK's system:capture ports: on a dummy server, or with nothing behind them, silence.
    std::string silenceHint;
    if (device->typeName() == "ALSA" && DeviceList::alsaNameOf(device->deviceName()) == "jack")
        silenceHint = "the input is ALSA's 'jack' device, which records JACK's system:capture ports: on this JACK "
                      "server they carry nothing (a dummy or unconnected server); connect a source to them, or "
                      "record a JACK client with --source device:NAME (`capstan devices` lists them)";
    if (device->sampleRate() != config.sampleRate && arguments.getOptional("sample-rate"))
        std::fprintf(stderr, "capstan: note: the device runs at %d Hz, not the %d Hz asked: recording at %d Hz\n",
                     device->sampleRate(), config.sampleRate, device->sampleRate());
    if (device->numChannels() != config.numChannels && asked)
        std::fprintf(stderr, "capstan: note: the device has %d input channel(s): recording %d\n", device->numChannels(),
                     device->numChannels());
    config.sampleRate = device->sampleRate();
    config.numChannels = device->numChannels();
    const int64_t preRollFrames = int64_t(config.preRollSeconds * config.sampleRate + 0.5);
    const int64_t totalFrames = duration >= 0 ? int64_t(duration * config.sampleRate + 0.5) : -1;

    Recorder recorder(config);
    videoSource.attach(recorder);
    const auto liveVideo = makeLiveVideo(arguments, recorder, videoSource);
    std::optional<InterruptGuard> interruptGuard;
    interruptGuard.emplace();
    const bool live = stderrIsTerminal();
    RecordReport report(live, silenceHint, config.outputs.front().sidecar != SidecarMode::never);
    const auto begin = std::chrono::steady_clock::now();
    std::string failure;
    try
    {
        if (liveVideo)
            liveVideo->start(); // taps the device callback through the recorder
        recorder.arm();
        videoSource.start(); // pushes once the recording starts
        if (preRollFrames == 0)
            recorder.start(); // before the first callback: the file starts with the device's first sample
        device->start(recorder, totalFrames < 0 ? -1 : preRollFrames + totalFrames);

        // A device that stops delivering (a JACK server gone, a card unplugged) must not leave us waiting forever.
        constexpr double stallSeconds = 5.0;
        int64_t lastDelivered = -1;
        auto lastProgress = std::chrono::steady_clock::now();
        while (!InterruptGuard::interrupted())
        {
            std::this_thread::sleep_for(std::chrono::milliseconds(live ? 100 : 20));
            const int64_t delivered = device->framesDelivered();
            if (recorder.state() == Recorder::State::armed && delivered >= preRollFrames)
                recorder.start(); // latches at the next callback: the pre-roll is at most one device block longer
            if (totalFrames >= 0 && delivered >= preRollFrames + totalFrames)
                break;
            if (device->hasFailed())
            {
                failure = "audio input '" + device->deviceName() + "' failed: " + device->failure();
                break;
            }
            const auto now = std::chrono::steady_clock::now();
            if (delivered != lastDelivered)
            {
                lastDelivered = delivered;
                lastProgress = now;
            }
            else if (std::chrono::duration<double>(now - lastProgress).count() > stallSeconds)
            {
                failure = "audio input '" + device->deviceName() + "' delivered no audio for " +
                          std::to_string(int(stallSeconds)) + " s";
                break;
            }
            if (recorder.state() == Recorder::State::recording)
                report.update(recorder.stats());
        }
    }
    catch (...)
    {
        device->stop(); // no callback may run into a recorder that is going away
        throw;
    }
    device->stop();
    if (liveVideo)
        liveVideo->stop(); // the last frames, before the recorder closes the files
    videoSource.stop();
    const double stopSeconds = stopTimed(recorder);
    const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - begin).count();
    interruptGuard.reset();
    report.endLive();
    printLiveVideo(liveVideo.get());
    const int result = report.finish(arguments, recorder, wall, stopSeconds);
    if (!failure.empty())
        throw Error(failure + "; the recording up to that point is finalized");
    return result;
}
#endif

int record(const std::vector<std::string>& args)
{
    ArgumentParser parser(
        "capstan record",
        "Record a source through the real-time recorder (lock-free hand-off from an audio callback to "
        "an encoder thread) into one or more outputs at once.");
    parser.positional("OUTPUT",
                      "file path or URL; its extension picks the format (.flac, .wav, .mp3, .m4a, .mkv, ...), "
                      "a network URL its scheme (rtmp://: flv with aac; srt://, udp://: mpegts)");
    for (int i = 2; i <= maxOutputs; ++i)
        parser.positional("OUTPUT" + std::to_string(i), "another output, written at the same time", false);
    parser
        .option("source", "SRC",
                "device[:NAME] | tone | noise | file:PATH (default: the default audio input; `capstan devices` "
                "lists them; the test signals only when named)")
        .number("sample-rate", "N",
                "samples per second (default: the source's own: the device's rate, the file's rate; 48000 for "
                "tone and noise)",
                {NumberKind::integer, 1000, 768000})
        .number("channels", "N", "channel count (default: the source's own; 2 for tone and noise)",
                {NumberKind::integer, 1, 64})
        .number("block-frames", "N", "frames per callback, as an audio device would deliver them (default 512)",
                {NumberKind::integer, 1, 65536})
        .number("duration", "S",
                "seconds to record (default: until Ctrl-C, SIGTERM or SIGHUP; a file source: its length)",
                {NumberKind::real, 0, 1e7})
        .option("pace", "P",
                "realtime (a sound card's clock) | fast (as fast as the encoders keep up) (default realtime)")
        .number("pre-roll", "S",
                "keep S seconds while armed; the source plays S seconds before recording starts, and "
                "they open the file",
                {NumberKind::real, 0, 600})
        .number("split-seconds", "S",
                "start a new segment every S seconds (gapless; files named NAME-001.EXT ...; at least 1 s, so that "
                "a typo cannot make thousands of files)",
                {NumberKind::real, 1, 1e7, true})
        .number("split-bytes", "N", "start a new segment once a segment reaches N bytes (at least 64 KiB)",
                {NumberKind::integer, 65536, double(int64_t(1) << 50), true})
        .number("queue-seconds", "S", "audio the hand-off queue holds while the encoders are behind (default 2)",
                {NumberKind::real, 0.01, 600})
        .option("encoder", "E",
                "audio encoder for the outputs in order (repeat: first for OUTPUT, next for OUTPUT2, ...)", true)
        .option("stats-json", "PATH", "write the final stats (and the files written) as JSON")
        .option("sidecar", "WHEN",
                "auto | always | never: the NAME.EXT.drops.json beside each file, auto when something happened (a "
                "drop, a repair, a signal warning, an error) (default auto)")
        .number("silence-warning", "S",
                "warn after S seconds of digital silence or of a constant value; the recording goes on "
                "(default 5; 0: off)",
                {NumberKind::real, 0.1, 86400, true})
        .option("stream-option", "KEY=VALUE",
                "option for the network outputs' muxer and protocol, e.g. rtmp_live=live, latency=200000 (srt)", true)
        .number("reconnect-attempts", "N",
                "network outputs: attempts after each failure before giving up (default -1: forever; 0: never)",
                {NumberKind::integer, -1, 1000000})
        .number("reconnect-delay", "S", "network outputs: wait before reconnecting, doubled each time (default 1)",
                {NumberKind::real, 0, 3600})
        .number("reconnect-max-delay", "S",
                "network outputs: the longest wait between attempts, not below --reconnect-delay (default 8)",
                {NumberKind::real, 0, 3600})
        .number("network-queue", "S",
                "network outputs: audio each one's queue holds while its server is slow; beyond it the audio is not "
                "sent (counted) (default 4)",
                {NumberKind::real, 0.05, 600})
        .number("io-timeout", "S", "network outputs: a server making no progress for S seconds fails (default 5)",
                {NumberKind::real, 0.1, 3600})
        .option("visualize", "WxH",
                "also record a live spectrum video (default 320x240; H.264) into the outputs whose container takes "
                "video (.mp4, .mkv, .mov); audio-only outputs stay audio-only; with --video-source it is drawn over "
                "the source's picture, in the bottom-right corner")
        .option("fps", "R",
                "frame rate of the video, e.g. 20 or 30000/1001 (--visualize: default 20; --video-source: the "
                "source's own)");
    addVideoSourceOptions(parser);
    parser.epilog(
        "Dropped audio (encoders or disk too slow for queue-seconds) is written as silence so the timeline stays "
        "aligned, and listed in NAME.EXT.drops.json beside each file. MP4 is fragmented while recording "
        "(playable after a crash) and rewritten as an ordinary MP4 after a clean stop.\n"
        "Example: capstan record take.flac take.mp3 --source noise --duration 10 --pace fast\n"
        "Example: capstan record take.mp4 --visualize --duration 10\n"
        "Example: capstan record take.mkv --video-source screen::0 --video-size 1280x720 --fps 30");
    addVerboseFlag(parser);
    const auto parsed = parseCommandLine(parser, expandVisualizeFlag(args));
    if (!parsed)
        return 0; // --help was printed
    const ParsedArguments& arguments = *parsed;

    RecorderConfig config;
    // Every number was checked against its range by the parser.
    config.sampleRate = int(arguments.getNumber("sample-rate").value_or(48000));
    config.numChannels = int(arguments.getNumber("channels").value_or(2));
    const int blockFrames = int(arguments.getNumber("block-frames").value_or(512));
    config.queueSeconds = arguments.getNumber("queue-seconds").value_or(2.0);
    config.preRollSeconds = arguments.getNumber("pre-roll").value_or(0.0);
    config.splitSeconds = arguments.getNumber("split-seconds").value_or(0.0);
    config.splitBytes = int64_t(arguments.getNumber("split-bytes").value_or(0));
    config.signalWarningSeconds = arguments.getNumber("silence-warning").value_or(5.0);
    const std::string sidecarText = arguments.get("sidecar", "auto");
    if (sidecarText != "auto" && sidecarText != "always" && sidecarText != "never")
        throw UsageError("--sidecar '" + sidecarText + "' is not one of auto, always, never");
    const SidecarMode sidecar = sidecarText == "always"  ? SidecarMode::always
                                : sidecarText == "never" ? SidecarMode::never
                                                         : SidecarMode::whenNeeded;
    const auto pacing = [&]
    {
        try
        {
            return CallbackDriver::parsePacing(arguments.get("pace", "realtime"));
        }
        catch (const Error& e)
        {
            throw UsageError(std::string("--pace: ") + e.what());
        }
    }();

    const auto encoders = arguments.getAll("encoder");
    std::vector<std::string> paths = {arguments.positional("OUTPUT")};
    for (int i = 2; i <= maxOutputs; ++i)
        if (auto path = arguments.positional("OUTPUT" + std::to_string(i)); !path.empty())
            paths.push_back(path);
    if (encoders.size() > paths.size())
        throw UsageError("--encoder given " + std::to_string(encoders.size()) + " times for " +
                         std::to_string(paths.size()) + " output(s)");
    const auto streamOptions = arguments.getKeyValues("stream-option");
    const auto reconnectAttempts = arguments.getNumber("reconnect-attempts");
    const double reconnectDelay = arguments.getNumber("reconnect-delay").value_or(1.0);
    const double reconnectMaxDelay = arguments.getNumber("reconnect-max-delay").value_or(std::max(8.0, reconnectDelay));
    if (reconnectMaxDelay < reconnectDelay)
        throw UsageError("--reconnect-max-delay " + arguments.get("reconnect-max-delay") +
                         " is shorter than --reconnect-delay " + arguments.get("reconnect-delay", "1"));
    const double networkQueue = arguments.getNumber("network-queue").value_or(4.0);
    const double ioTimeout = arguments.getNumber("io-timeout").value_or(5.0);
    bool anyNetwork = false;
    for (size_t i = 0; i < paths.size(); ++i)
    {
        OutputSpec output{.path = paths[i], .encoder = i < encoders.size() ? encoders[i] : std::string()};
        output.sidecar = sidecar;
        // Lossless by default where the container takes it, as the app's MKV does (FFmpeg's default is Vorbis).
        if (output.encoder.empty() && isMatroskaPath(paths[i]))
            output.encoder = "flac";
        if (NetworkUrl::isNetwork(paths[i]))
        {
            anyNetwork = true;
            // RTMP servers and players expect AAC in flv (the muxer's own default is mp3).
            if (output.encoder.empty() && NetworkUrl::defaultMuxer(paths[i]) == "flv")
                output.encoder = "aac";
            output.muxerOptions = streamOptions;
            output.networkQueueSeconds = networkQueue;
            output.ioTimeoutSeconds = ioTimeout;
            output.reconnectAttempts = reconnectAttempts ? int(*reconnectAttempts) : -1;
            output.reconnectDelaySeconds = reconnectDelay;
            output.reconnectMaxDelaySeconds = reconnectMaxDelay;
        }
        config.outputs.push_back(output);
    }
    if (!anyNetwork)
        for (const char* name : {"stream-option", "reconnect-attempts", "reconnect-delay", "reconnect-max-delay",
                                 "network-queue", "io-timeout"})
            if (arguments.getOptional(name) || (std::string(name) == "stream-option" && !streamOptions.empty()))
                throw UsageError(std::string("--") + name +
                                 " applies to network outputs (rtmp://, srt://, udp://...), "
                                 "and there is none");
    if (!arguments.getOptional("video-source"))
        configureVisualize(arguments, config); // else drawn over the source's picture: see RecordVideoSource

    // The source: the default input device unless one is named (as arecord does); a test signal or file through
    // CallbackDriver, or a device through JUCE (capstan_devices).
    const auto askedSource = arguments.getOptional("source");
    const std::string source = askedSource.value_or("device");
    if (!askedSource && pacing != CallbackDriver::Pacing::realtime)
        throw UsageError("--pace " + arguments.get("pace") +
                         ": the default source is the audio input, which runs at its own clock; --pace applies to "
                         "--source tone|noise|file:PATH");
    TestSignal::Spec signalSpec{.sampleRate = config.sampleRate, .numChannels = config.numChannels};
    if (source == "tone" || source == "noise")
        signalSpec.kind = TestSignal::parseKind(source);
    else if (source.rfind("file:", 0) == 0 && source.size() > 5)
    {
        signalSpec.kind = TestSignal::Kind::file;
        signalSpec.filePath = source.substr(5);
        keepFileFormat(arguments, signalSpec, config);
    }
    else if (source == "device" || source.rfind("device:", 0) == 0)
    {
#if CAPSTAN_HAVE_DEVICES
        if (pacing != CallbackDriver::Pacing::realtime)
            throw UsageError("--pace: a device source runs at the device's own clock; only realtime applies");
        const TakeFiles takeFiles(config, {});
        printNotes(takeFiles);
        RecordVideoSource videoSource(arguments, config, pacing);
        return recordFromDevice(arguments, config, videoSource, source, blockFrames, askedSource.has_value());
#else
        if (!askedSource)
            throw Error("this build has no audio device support (capstan_devices, JUCE), the default source: choose "
                        "--source tone|noise|file:PATH");
        throw Error("--source " + source +
                    ": this build has no audio device support (capstan_devices, JUCE); use "
                    "--source tone|noise|file:PATH");
#endif
    }
    else
        throw UsageError("--source '" + source + "' is not one of tone, noise, file:PATH, device[:NAME]");

    double duration = arguments.getNumber("duration").value_or(-1.0);
    const TestSignal signal = [&]
    {
        try
        {
            return TestSignal(signalSpec);
        }
        catch (const Error& e)
        {
            // The user gave --source, not a TestSignal: name the option.
            std::string message = e.what();
            if (message.rfind("TestSignal: ", 0) == 0)
                message.erase(0, 12);
            throw Error("--source " + source + ": " + message);
        }
    }();
    if (duration < 0 && signalSpec.kind == TestSignal::Kind::file)
        duration = -2; // the file's length, known once decoded: see below
    if (duration < 0 && pacing != CallbackDriver::Pacing::realtime && signalSpec.kind != TestSignal::Kind::file)
        throw UsageError("--pace fast needs --duration (or a file source): there is no clock to stop it by hand");

    int64_t totalFrames = duration >= 0 ? int64_t(duration * config.sampleRate + 0.5) : -1;
    if (duration == -2)
    {
        // The decoded file's length: render until the signal loops, i.e. its sample count.
        const auto probe = MediaReader(signalSpec.filePath).duration();
        totalFrames = probe ? int64_t(*probe * config.sampleRate + 0.5) : -1;
    }

    RecordVideoSource videoSource(arguments, config, pacing);
    const TakeFiles takeFiles(config, signalSpec.filePath);
    printNotes(takeFiles);
    Recorder recorder(config);
    CallbackDriver driver(signal, {.blockFrames = blockFrames, .pacing = pacing});
    videoSource.attach(recorder);
    const auto liveVideo = makeLiveVideo(arguments, recorder, videoSource);
    if (liveVideo)
        liveVideo->start(); // taps the driver's callbacks through the recorder
    // With no clock the driver would outrun the drawing and the picture would miss audio: run it in chunks and let
    // the drawing catch up in between (a sound card's clock needs no such help).
    const auto runDriver = [&](int64_t numFrames)
    {
        if ((!liveVideo && !videoSource) || pacing == CallbackDriver::Pacing::realtime || numFrames < 0)
        {
            driver.run(recorder, numFrames, &InterruptGuard::flag());
            return;
        }
        const int64_t chunk = std::max<int64_t>(blockFrames, config.sampleRate / 4 / blockFrames * blockFrames);
        for (int64_t done = 0; done < numFrames && !InterruptGuard::interrupted();)
        {
            while (liveVideo && liveVideo->backlogFrames() > liveVideo->backlogCapacityFrames() / 2)
                std::this_thread::sleep_for(std::chrono::milliseconds(1));
            while (recorder.state() == Recorder::State::recording &&
                   videoSource.audioShouldWait(recorder.clockPosition(), config.sampleRate) &&
                   !InterruptGuard::interrupted())
                std::this_thread::sleep_for(std::chrono::milliseconds(1));
            const int64_t n = std::min(chunk, numFrames - done);
            driver.run(recorder, n, &InterruptGuard::flag());
            done += n;
        }
    };

    std::optional<InterruptGuard> interruptGuard;
    interruptGuard.emplace();
    const bool live = stderrIsTerminal();
    RecordReport report(live, {}, config.outputs.front().sidecar != SidecarMode::never);
    const auto begin = std::chrono::steady_clock::now();

    std::atomic<bool> audioDone{false};
    std::exception_ptr audioError;
    recorder.arm();
    videoSource.start(); // pushes once the recording starts
    // The "audio device": its own thread, as a sound card's callback would be.
    std::thread audioThread(
        [&]
        {
            try
            {
                if (config.preRollSeconds > 0)
                    runDriver(int64_t(config.preRollSeconds * config.sampleRate + 0.5));
                recorder.start();
                runDriver(totalFrames);
            }
            catch (...)
            {
                audioError = std::current_exception();
            }
            audioDone.store(true);
        });
    while (!audioDone.load())
    {
        std::this_thread::sleep_for(std::chrono::milliseconds(live ? 250 : 50));
        if (recorder.state() == Recorder::State::recording)
            report.update(recorder.stats());
    }
    audioThread.join();
    if (liveVideo)
        liveVideo->stop(); // the last frames, before the recorder closes the files
    videoSource.stop();
    const double stopSeconds = stopTimed(recorder);
    const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - begin).count();
    interruptGuard.reset();
    report.endLive();
    if (audioError)
        std::rethrow_exception(audioError);

    printLiveVideo(liveVideo.get());
    return report.finish(arguments, recorder, wall, stopSeconds);
}

/** The library's advice names AudioStreamConfig's fields; say what `record` can do instead. */
std::string withRecordAdvice(std::string message)
{
    const std::string remix = "set encoderNumChannels to remix";
    if (const auto at = message.find(remix); at != std::string::npos)
        message.replace(at, remix.size(),
                        "record with --channels that it takes, or write this output as .wav, .flac (up to 8 "
                        "channels) or .mka");
    return message;
}
} // namespace

int runRecordCommand(const std::vector<std::string>& args)
{
    try
    {
        return record(args);
    }
    catch (const Error& e)
    {
        throw Error(withRecordAdvice(e.what()), e.ffmpegErrorCode());
    }
}

} // namespace capstan::cli
