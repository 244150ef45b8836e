#include "RecordCommand.h"

#include "ArgumentParser.h"
#include "CommandSupport.h"
#include "InterruptGuard.h"
#include "RecordVisualize.h"
#include "TakeFiles.h"

#include <capstan/media/Error.h>
#include <capstan/media/MediaReader.h>
#include <capstan/media/NetworkUrl.h>
#include <capstan/realtime/CallbackDriver.h>
#include <capstan/visual/LiveSpectrumVideo.h>
#if CAPSTAN_HAVE_DEVICES
#include <capstan/devices/DeviceInput.h>
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

std::string formatSeconds(double seconds)
{
    if (seconds < 0)
        return "?";
    char text[64];
    if (seconds >= 3600)
        std::snprintf(text, sizeof(text), "%.1f h", seconds / 3600);
    else if (seconds >= 60)
        std::snprintf(text, sizeof(text), "%.1f min", seconds / 60);
    else
        std::snprintf(text, sizeof(text), "%.1f s", seconds);
    return text;
}

void printLive(const RecorderStats::Snapshot& s)
{
    std::fprintf(stderr, "\r%8.1f s  queue %d/%d (high %d)  dropped %lld  lag %.3f s  written %s  disk full in %s   ",
                 s.secondsPushed(), s.queueFill, s.queueCapacity, s.queueHighWater, (long long)s.droppedFrames,
                 s.encoderLagSeconds, formatBytes(s.bytesWritten).c_str(),
                 formatSeconds(s.secondsUntilDiskFull).c_str());
    if (s.nonFiniteSamples + s.clippedSamples > 0)
        std::fprintf(stderr, " repaired %lld ", (long long)(s.nonFiniteSamples + s.clippedSamples));
    // Network outputs: their state and what they could not send.
    for (const auto& output : s.outputs)
        if (output.network)
            std::fprintf(stderr, "| %s %s, not sent %.1f s ", output.destination.c_str(), output.stateName(),
                         output.secondsNotSent);
    std::fflush(stderr);
}

/** One line per network output at the end: its state, what was not sent, and its connection history. */
void printNetworkSummary(const RecorderStats::Snapshot& s)
{
    for (const auto& output : s.outputs)
    {
        if (!output.network)
            continue;
        std::printf("stream %s: %s, sent %.3f s, not sent %.3f s (%lld frames", output.destination.c_str(),
                    output.stateName(), double(output.framesWritten) / std::max(1, s.sampleRate), output.secondsNotSent,
                    (long long)output.framesNotSent);
        if (output.videoFramesNotSent > 0)
            std::printf(", %lld video frames", (long long)output.videoFramesNotSent);
        std::printf("), %lld disconnect(s), %lld reconnect(s)", (long long)output.disconnects,
                    (long long)output.reconnects);
        if (output.resumedAtSeconds >= 0)
            std::printf(", last resumed at %.3f s", output.resumedAtSeconds);
        std::printf(", %s sent\n", formatBytes(output.bytesWritten).c_str());
        if (!output.lastError.empty() && output.state != OutputCounters::State::failed)
            std::printf("warning: stream %s was interrupted: %s\n", output.destination.c_str(),
                        output.lastError.c_str());
    }
}

/** Says which takes were numbered because their name was taken. */
void printNotes(const TakeFiles& takeFiles)
{
    for (const auto& note : takeFiles.notes())
        std::fprintf(stderr, "capstan: %s\n", note.c_str());
}

/** The live spectrum video for --visualize (null without it); start() it before the recorder is armed. */
std::unique_ptr<LiveSpectrumVideo> makeLiveVideo(Recorder& recorder)
{
    const VideoSpec& video = recorder.config().video;
    if (!video.enabled)
        return nullptr;
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

/** The summary every source ends with: totals, files, drops, --stats-json, output errors. */
int finishRecording(const ParsedArguments& arguments, const Recorder& recorder, double wall, double stopSeconds)
{
    const RecorderConfig& config = recorder.config();
    const auto stats = recorder.stats();
    const auto files = recorder.files();
    const auto errors = recorder.errors();
    std::printf("recorded %.3f s (%lld frames, %lld callbacks) in %.3f s wall (%.1fx real time), stop took %.1f ms\n",
                double(stats.framesWritten) / config.sampleRate, (long long)stats.framesWritten,
                (long long)stats.callbacks, wall,
                wall > 0 ? double(stats.framesPushed) / config.sampleRate / wall : 0.0, stopSeconds * 1e3);
    for (const auto& file : files)
        std::printf("  %s\n", NetworkUrl::forDisplay(file).c_str()); // no rtmp stream keys on the screen
    std::printf("written %s, queue high-water %d of %d blocks\n", formatBytes(stats.bytesWritten).c_str(),
                stats.queueHighWater, stats.queueCapacity);
    printNetworkSummary(stats);
    if (stats.droppedFrames > 0)
        std::printf("warning: dropped %lld frames in %lld interval(s): written as silence, listed in the "
                    ".drops.json sidecars\n",
                    (long long)stats.droppedFrames, (long long)stats.dropIntervals);
    int64_t places = 0;
    for (const auto& output : stats.outputs)
        places = std::max(places, output.repairIntervals);
    if (const auto text =
            describeRepairs(stats.nonFiniteSamples, stats.clippedSamples, stats.firstRepairSeconds, places);
        !text.empty())
        std::printf("warning: %s; listed in the .drops.json sidecars\n", text.c_str());

    if (const auto path = arguments.getOptional("stats-json"))
    {
        std::string json = stats.toJson();
        std::string list = ",\"files\":[";
        for (size_t i = 0; i < files.size(); ++i)
        {
            std::string escaped;
            for (const char c : files[i])
                escaped += (c == '"' || c == '\\') ? std::string("\\") + c : std::string(1, c);
            list += (i ? ",\"" : "\"") + escaped + "\"";
        }
        json.insert(json.size() - 1, list + "]");
        std::ofstream out(*path);
        out << json << '\n';
        if (!out)
            throw Error("--stats-json: cannot write '" + *path + "'");
    }
    if (!errors.empty())
    {
        for (size_t i = 1; i < errors.size(); ++i)
            std::fprintf(stderr, "capstan: error: %s\n", errors[i].c_str());
        throw Error(errors.front());
    }
    return 0;
}

#if CAPSTAN_HAVE_DEVICES
/** `--source device[:NAME]`: a real input through JUCE (DeviceInput), at the device's own clock and rate. */
int recordFromDevice(const ParsedArguments& arguments, RecorderConfig config, const std::string& source,
                     int blockFrames)
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
        throw Error("--source " + source + ": " + e.what() + "; use --source tone|noise|file:PATH");
    }

    if (device->numChannels() != config.numChannels && arguments.getOptional("channels"))
        throw Error("--channels " + std::to_string(config.numChannels) + ": the device '" + device->deviceName() +
                    "' opened with " + std::to_string(device->numChannels()) + " input channel(s)");
    // The device's clock rules: record at the rate and channel count it actually runs at, and say so.
    std::fprintf(stderr, "capstan: recording from %s '%s': %d Hz, %d channel(s), %d-frame blocks\n",
                 device->typeName().c_str(), device->deviceName().c_str(), device->sampleRate(), device->numChannels(),
                 device->blockFrames());
    if (device->sampleRate() != config.sampleRate)
        std::fprintf(stderr, "capstan: note: the device runs at %d Hz, not the %d Hz asked: recording at %d Hz\n",
                     device->sampleRate(), config.sampleRate, device->sampleRate());
    if (device->numChannels() != config.numChannels)
        std::fprintf(stderr, "capstan: note: the device has %d input channel(s): recording %d\n", device->numChannels(),
                     device->numChannels());
    config.sampleRate = device->sampleRate();
    config.numChannels = device->numChannels();
    const int64_t preRollFrames = int64_t(config.preRollSeconds * config.sampleRate + 0.5);
    const int64_t totalFrames = duration >= 0 ? int64_t(duration * config.sampleRate + 0.5) : -1;

    Recorder recorder(config);
    const auto liveVideo = makeLiveVideo(recorder);
    std::optional<InterruptGuard> interruptGuard;
    interruptGuard.emplace();
    const bool live = stderrIsTerminal();
    const auto begin = std::chrono::steady_clock::now();
    std::string failure;
    try
    {
        if (liveVideo)
            liveVideo->start(); // taps the device callback through the recorder
        recorder.arm();
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
            if (live && recorder.state() == Recorder::State::recording)
                printLive(recorder.stats());
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
    const double stopSeconds = stopTimed(recorder);
    const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - begin).count();
    interruptGuard.reset();
    if (live)
        std::fputc('\n', stderr);
    printLiveVideo(liveVideo.get());
    const int result = finishRecording(arguments, recorder, wall, stopSeconds);
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
    parser.option("source", "SRC", "tone | noise | file:PATH | device[:NAME] (default tone)")
        .number("sample-rate", "N", "samples per second (default 48000)", {NumberKind::integer, 1000, 768000})
        .number("channels", "N", "channel count (default 2)", {NumberKind::integer, 1, 64})
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
                "video (.mp4, .mkv, .mov); audio-only outputs stay audio-only")
        .option("fps", "R", "frame rate of the --visualize video, e.g. 20 or 30000/1001 (default 20)")
        .epilog(
            "Dropped audio (encoders or disk too slow for queue-seconds) is written as silence so the timeline stays "
            "aligned, and listed in NAME.EXT.drops.json beside each file. MP4 is fragmented while recording "
            "(playable after a crash) and rewritten as an ordinary MP4 after a clean stop.\n"
            "Example: capstan record take.flac take.mp3 --source noise --duration 10 --pace fast\n"
            "Example: capstan record take.mp4 --visualize --duration 10");
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
    configureVisualize(arguments, config);

    // The source: a test signal or file through CallbackDriver, or a device through JUCE (capstan_devices).
    const std::string source = arguments.get("source", "tone");
    TestSignal::Spec signalSpec{.sampleRate = config.sampleRate, .numChannels = config.numChannels};
    if (source == "tone" || source == "noise")
        signalSpec.kind = TestSignal::parseKind(source);
    else if (source.rfind("file:", 0) == 0 && source.size() > 5)
    {
        signalSpec.kind = TestSignal::Kind::file;
        signalSpec.filePath = source.substr(5);
    }
    else if (source == "device" || source.rfind("device:", 0) == 0)
    {
#if CAPSTAN_HAVE_DEVICES
        if (pacing != CallbackDriver::Pacing::realtime)
            throw UsageError("--pace: a device source runs at the device's own clock; only realtime applies");
        const TakeFiles takeFiles(config, {});
        printNotes(takeFiles);
        return recordFromDevice(arguments, config, source, blockFrames);
#else
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

    const TakeFiles takeFiles(config, signalSpec.filePath);
    printNotes(takeFiles);
    Recorder recorder(config);
    CallbackDriver driver(signal, {.blockFrames = blockFrames, .pacing = pacing});
    const auto liveVideo = makeLiveVideo(recorder);
    if (liveVideo)
        liveVideo->start(); // taps the driver's callbacks through the recorder
    // With no clock the driver would outrun the drawing and the picture would miss audio: run it in chunks and let
    // the drawing catch up in between (a sound card's clock needs no such help).
    const auto runDriver = [&](int64_t numFrames)
    {
        if (!liveVideo || pacing == CallbackDriver::Pacing::realtime || numFrames < 0)
        {
            driver.run(recorder, numFrames, &InterruptGuard::flag());
            return;
        }
        const int64_t chunk = std::max<int64_t>(blockFrames, config.sampleRate / 4 / blockFrames * blockFrames);
        for (int64_t done = 0; done < numFrames && !InterruptGuard::interrupted();)
        {
            while (liveVideo->backlogFrames() > liveVideo->backlogCapacityFrames() / 2)
                std::this_thread::sleep_for(std::chrono::milliseconds(1));
            const int64_t n = std::min(chunk, numFrames - done);
            driver.run(recorder, n, &InterruptGuard::flag());
            done += n;
        }
    };

    std::optional<InterruptGuard> interruptGuard;
    interruptGuard.emplace();
    const bool live = stderrIsTerminal();
    const auto begin = std::chrono::steady_clock::now();

    std::atomic<bool> audioDone{false};
    std::exception_ptr audioError;
    recorder.arm();
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
        if (live && recorder.state() == Recorder::State::recording)
            printLive(recorder.stats());
    }
    audioThread.join();
    if (liveVideo)
        liveVideo->stop(); // the last frames, before the recorder closes the files
    const double stopSeconds = stopTimed(recorder);
    const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - begin).count();
    interruptGuard.reset();
    if (live)
        std::fputc('\n', stderr);
    if (audioError)
        std::rethrow_exception(audioError);

    printLiveVideo(liveVideo.get());
    return finishRecording(arguments, recorder, wall, stopSeconds);
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
