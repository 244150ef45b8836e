// capstan_bench_recorder: measures the real-time recorder (see Docs/recorder.md for the goals and figures).
//
//   capstan_bench_recorder [--pushes N] [--speed X] [--fifo] [--queue-seconds S] [--sustained-seconds S] [--minutes M]
//   [--stop-runs K]
//                          [--out DIR] [--video-threads N|auto] [--only push|sustained|sustained-av|dump-av|rss|stop]
//
// Cases (a table, then one JSON line per case):
//   push       512-frame stereo blocks pushed while the encoder thread encodes (FLAC + AAC), paced at X times real
//              time; the same blocks then go to JUCE's AudioFormatWriter::ThreadedWriter (WAV). Percentiles of the
//              time spent in the push call.
//   sustained  48 kHz, 32-frame blocks, FLAC + AAC outputs, `fast` pacing: the real-time factor reached, drops.
//   sustained-av  FLAC + MP4 (AAC + H.264 1280x720 30 fps), 32-frame blocks, `fast`; dump-av writes its exact frames
//              and audio as raw files for the ffmpeg CLI (Benchmarks/recorder/av_vs_ffmpeg.py).
//   rss        resident memory sampled every second over a `realtime` recording of M minutes (FLAC + AAC).
//   stop       time from stop() to finalized files (audio-only FLAC + AAC; and MP4 with its seekable remux).

#include "../support/BenchSupport.h"

#include <capstan/realtime/CallbackDriver.h>

#include <juce_audio_formats/juce_audio_formats.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include <pthread.h>
#include <sched.h>
#include <unistd.h>

namespace
{
using namespace capstan::bench;
namespace fs = std::filesystem;

struct Options
{
    int pushes = 20000;
    double speed = 10.0;
    double queueSeconds = 2.0;
    bool fifo = false;
    double sustainedSeconds = 120.0;
    double minutes = 0.25;
    int stopRuns = 5;
    std::string out = "/tmp/capstan-bench-recorder";
    std::string only;
    std::string videoThreads = "auto"; ///< libx264's threads in sustained-av ("1": as before issue 16)
};

double rssMegabytes()
{
    std::ifstream statm("/proc/self/statm");
    long pages = 0, resident = 0;
    statm >> pages >> resident;
    return double(resident) * double(sysconf(_SC_PAGESIZE)) / (1024.0 * 1024.0);
}

capstan::RecorderConfig flacAacConfig(const fs::path& dir, const std::string& stem, int blockFrames = 1024)
{
    capstan::RecorderConfig config;
    config.sampleRate = 48000;
    config.numChannels = 2;
    config.blockFrames = blockFrames;
    config.outputs.push_back({.path = (dir / (stem + ".flac")).string(), .encoder = "flac"});
    config.outputs.push_back({.path = (dir / (stem + ".m4a")).string(), .encoder = "aac"});
    return config;
}

/** The 512-frame stereo blocks both writers receive, rendered once. */
struct Blocks
{
    static constexpr int frames = 512;
    std::vector<float> left, right;
    explicit Blocks(int count)
    {
        capstan::TestSignal signal({.kind = capstan::TestSignal::Kind::noise, .numChannels = 2});
        const auto interleaved = signal.interleaved(0, int64_t(count) * frames);
        left.resize(size_t(count) * frames);
        right.resize(size_t(count) * frames);
        for (size_t i = 0; i < left.size(); ++i)
            left[i] = interleaved[2 * i], right[i] = interleaved[2 * i + 1];
    }
    void pointers(int index, const float* out[2]) const
    {
        out[0] = left.data() + size_t(index) * frames;
        out[1] = right.data() + size_t(index) * frames;
    }
};

double timerOverheadSeconds()
{
    std::vector<double> v;
    for (int i = 0; i < 100000; ++i)
    {
        const auto a = Clock::now();
        const auto b = Clock::now();
        v.push_back(std::chrono::duration<double>(b - a).count());
    }
    return percentiles(v).p50;
}

void printPushRow(const char* name, const Percentiles& p, int64_t failures)
{
    std::printf("  %-34s p50 %7.3f us  p99 %7.3f us  p99.99 %8.3f us  max %8.3f us  mean %7.3f us  failed %lld\n", name,
                p.p50 * 1e6, p.p99 * 1e6, p.p9999 * 1e6, p.max * 1e6, p.mean * 1e6, (long long)failures);
}

void jsonPush(const char* impl, const Percentiles& p, int64_t failures, int pushes, double speed, double timer)
{
    std::printf("{\"case\":\"push_latency\",\"impl\":\"%s\",\"blockFrames\":512,\"channels\":2,\"pushes\":%d,"
                "\"speed\":%.1f,\"p50_us\":%.4f,\"p99_us\":%.4f,\"p99_99_us\":%.4f,\"max_us\":%.4f,\"mean_us\":%.4f,"
                "\"failed\":%lld,\"timer_overhead_us\":%.4f}\n",
                impl, pushes, speed, p.p50 * 1e6, p.p99 * 1e6, p.p9999 * 1e6, p.max * 1e6, p.mean * 1e6,
                (long long)failures, timer * 1e6);
}

/** Gives the calling thread SCHED_FIFO priority, as audio threads usually have (JACK, ALSA with rtkit); returns
    false when the system does not allow it. */
bool makeRealtime()
{
    sched_param param{};
    param.sched_priority = 70;
    return pthread_setschedparam(pthread_self(), SCHED_FIFO, &param) == 0;
}

void makeNormal()
{
    sched_param param{};
    pthread_setschedparam(pthread_self(), SCHED_OTHER, &param);
}

void runPushCase(const Options& options, const fs::path& dir)
{
    const bool realtime = options.fifo && makeRealtime();
    if (options.fifo && !realtime)
        std::printf("note: SCHED_FIFO was refused; measuring at normal priority\n");
    const int n = options.pushes;
    // 8 distinct blocks, cycled: the source is warm in cache, as a callback's own buffer is (1024 distinct blocks =
    // 4 MB would measure DRAM reads of the source instead).
    constexpr int distinct = 8;
    const Blocks blocks(distinct);
    const double period = Blocks::frames / 48000.0 / options.speed;
    const double timer = timerOverheadSeconds();

    // Capstan: pool + memcpy + moodycamel try_enqueue, FLAC + AAC encoding on the encoder thread meanwhile.
    std::vector<double> capstanTimes;
    capstanTimes.reserve(size_t(n));
    capstan::RecorderStats::Snapshot capstanStats;
    {
        auto config = flacAacConfig(dir, "push");
        config.queueSeconds = options.queueSeconds;
        capstan::Recorder recorder(config);
        recorder.start();
        const auto begin = Clock::now();
        for (int i = 0; i < n; ++i)
        {
            waitUntil(begin + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(period * i)));
            const float* channels[2];
            blocks.pointers(i % distinct, channels);
            const auto t0 = Clock::now();
            recorder.pushAudio(channels, 2, Blocks::frames);
            capstanTimes.push_back(std::chrono::duration<double>(Clock::now() - t0).count());
        }
        recorder.stop();
        capstanStats = recorder.stats();
    }

    // JUCE: ThreadedWriter::write on the same blocks, a WAV writer on its TimeSliceThread, 2 s of FIFO.
    std::vector<double> juceTimes;
    juceTimes.reserve(size_t(n));
    int64_t juceFailures = 0;
    {
        juce::TimeSliceThread thread("juce writer");
        thread.startThread();
        const juce::File file((dir / "push-juce.wav").string());
        file.deleteFile();
        auto stream = std::unique_ptr<juce::OutputStream>(file.createOutputStream().release());
        juce::WavAudioFormat wav;
        std::unique_ptr<juce::AudioFormatWriter> writer(
            wav.createWriterFor(stream.get(), 48000.0, 2, 32, juce::StringPairArray(), 0));
        if (writer == nullptr)
        {
            std::fprintf(stderr, "JUCE could not create a WAV writer\n");
            return;
        }
        stream.release(); // the writer owns it now
        juce::AudioFormatWriter::ThreadedWriter threaded(writer.release(), thread, 96000);
        const auto begin = Clock::now();
        for (int i = 0; i < n; ++i)
        {
            waitUntil(begin + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(period * i)));
            const float* channels[2];
            blocks.pointers(i % distinct, channels);
            const auto t0 = Clock::now();
            const bool ok = threaded.write(channels, Blocks::frames);
            juceTimes.push_back(std::chrono::duration<double>(Clock::now() - t0).count());
            if (!ok)
                ++juceFailures;
        }
    }

    if (realtime)
        makeNormal();
    const auto c = percentiles(capstanTimes);
    const auto j = percentiles(juceTimes);
    std::printf("\npush of a 512-frame stereo block, encoder busy, %d pushes at %.0fx real time, %s (timer %.3f us "
                "included)\n",
                n, options.speed, realtime ? "pushing thread SCHED_FIFO" : "normal priority", timer * 1e6);
    printPushRow("capstan Recorder::pushAudio", c, capstanStats.dropCount);
    if (capstanStats.droppedFrames > 0)
        std::printf("  NOTE: the encoder thread fell behind (%lld frames dropped): those pushes took the drop path; "
                    "lower --speed for a valid comparison\n",
                    (long long)capstanStats.droppedFrames);
    printPushRow("JUCE ThreadedWriter::write", j, juceFailures);
    jsonPush("capstan", c, capstanStats.dropCount, n, options.speed, timer);
    jsonPush("juce_threaded_writer", j, juceFailures, n, options.speed, timer);
}

void runSustainedCase(const Options& options, const fs::path& dir)
{
    auto config = flacAacConfig(dir, "sustained");
    capstan::Recorder recorder(config);
    capstan::TestSignal signal({.kind = capstan::TestSignal::Kind::noise, .numChannels = 2});
    capstan::CallbackDriver driver(signal, {.blockFrames = 32, .pacing = capstan::CallbackDriver::Pacing::fast});
    recorder.start();
    const auto begin = Clock::now();
    const auto result = driver.run(recorder, int64_t(options.sustainedSeconds * 48000));
    recorder.stop();
    const double wall = std::chrono::duration<double>(Clock::now() - begin).count();
    const auto stats = recorder.stats();
    const double audio = double(result.frames) / 48000.0;
    std::printf("\nsustained: 48 kHz stereo, 32-frame blocks, FLAC + AAC, fast pacing\n");
    std::printf("  %.1f s of audio in %.3f s wall: %.1fx real time, %lld callbacks, %lld dropped frames, queue "
                "high-water %d of %d blocks\n",
                audio, wall, audio / wall, (long long)result.callbacks, (long long)stats.droppedFrames,
                stats.queueHighWater, stats.queueCapacity);
    std::printf("{\"case\":\"sustained\",\"blockFrames\":32,\"outputs\":\"flac+aac\",\"audio_s\":%.3f,\"wall_s\":%.4f,"
                "\"realtime_factor\":%.2f,\"callbacks\":%lld,\"dropped_frames\":%lld,\"queue_high_water\":%d,"
                "\"errors\":%lld}\n",
                audio, wall, audio / wall, (long long)result.callbacks, (long long)stats.droppedFrames,
                stats.queueHighWater, (long long)stats.writeErrors);
}

constexpr int avWidth = 1280, avHeight = 720, avBlockFrames = 32;

/** The sustained A/V case's frames: a few distinct, busy frames (a moving gradient) so the encoder has real work;
    frame i is frames[i % 4]. */
std::vector<std::vector<uint8_t>> avFrames()
{
    std::vector<std::vector<uint8_t>> frames(4, std::vector<uint8_t>(size_t(avWidth) * avHeight * 3));
    for (size_t f = 0; f < frames.size(); ++f)
        for (int y = 0; y < avHeight; ++y)
            for (int x = 0; x < avWidth; ++x)
            {
                uint8_t* p = frames[f].data() + (size_t(y) * avWidth + size_t(x)) * 3;
                p[0] = uint8_t(x + int(f) * 16), p[1] = uint8_t(y * 2 + int(f) * 8), p[2] = uint8_t((x ^ y) + int(f));
            }
    return frames;
}

double avSeconds(const Options& options)
{
    return std::min(options.sustainedSeconds, 30.0);
}

/** Writes exactly what runSustainedVideoCase() pushes, once, as raw files for the ffmpeg CLI: av.rgb24 (rgb24
    1280x720, 30 fps) and av.f32le (48 kHz stereo interleaved float), so both tools encode the same frames and audio. */
void dumpSustainedVideoInput(const Options& options, const fs::path& dir)
{
    const auto frames = avFrames();
    const int64_t total = int64_t(avSeconds(options) * 48000);
    capstan::TestSignal signal({.kind = capstan::TestSignal::Kind::noise, .numChannels = 2});
    std::ofstream audio(dir / "av.f32le", std::ios::binary), video(dir / "av.rgb24", std::ios::binary);
    std::vector<float> left(avBlockFrames), right(avBlockFrames), interleaved(2 * avBlockFrames);
    float* channels[2] = {left.data(), right.data()};
    int64_t position = 0, nextFrame = 0;
    while (position < total)
    {
        signal.render(channels, position, avBlockFrames);
        for (int i = 0; i < avBlockFrames; ++i)
            interleaved[size_t(2 * i)] = left[size_t(i)], interleaved[size_t(2 * i + 1)] = right[size_t(i)];
        audio.write(reinterpret_cast<const char*>(interleaved.data()), std::streamsize(interleaved.size() * 4));
        position += avBlockFrames;
        if (position * 30 >= nextFrame * 48000)
        {
            const auto& frame = frames[size_t(nextFrame) % frames.size()];
            video.write(reinterpret_cast<const char*>(frame.data()), std::streamsize(frame.size()));
            ++nextFrame;
        }
    }
    std::printf("wrote %s (%lld frames) and %s (%lld frames of audio)\n", (dir / "av.rgb24").c_str(),
                (long long)nextFrame, (dir / "av.f32le").c_str(), (long long)position);
}

void runSustainedVideoCase(const Options& options, const fs::path& dir)
{
    // FLAC master + MP4 (AAC + H.264 720p30, libx264 veryfast), fast pacing. One thread plays both producers: a
    // 32-frame audio callback, and a frame each time the audio clock passes a frame boundary (as a visualizer
    // would), waiting only while the pool or the video queue is low so that nothing is dropped.
    capstan::RecorderConfig config = flacAacConfig(dir, "sustained-av");
    config.outputs[1].path = (dir / "sustained-av.mp4").string();
    config.outputs[1].withVideo = true;
    config.video = {.enabled = true,
                    .width = avWidth,
                    .height = avHeight,
                    .frameRate = {30, 1},
                    .format = capstan::PixelFormat::rgb24,
                    .encoder = "libx264",
                    .encoderFormat = "yuv420p",
                    .encoderOptions = {{"preset", "veryfast"}},
                    .queueFrames = 8};
    if (options.videoThreads != "auto")
        config.video.encoderOptions.emplace_back("threads", options.videoThreads);
    capstan::Recorder recorder(config);
    capstan::TestSignal signal({.kind = capstan::TestSignal::Kind::noise, .numChannels = 2});
    std::vector<float> left(avBlockFrames), right(avBlockFrames);
    float* channels[2] = {left.data(), right.data()};
    const auto frames = avFrames();
    const double seconds = avSeconds(options);
    const int64_t total = int64_t(seconds * 48000);
    recorder.start();
    const auto begin = Clock::now();
    int64_t position = 0, nextFrame = 0, videoWaits = 0;
    const int minFree = recorder.totalBlocks() / 4;
    // Naps of 1 ms while the encoders catch up (as CallbackDriver's fast pacing): the pool's quarter (0.5 s of audio)
    // and the 8-frame video queue (267 ms) cover it many times over, and shorter naps only cost wake-ups.
    constexpr auto nap = std::chrono::milliseconds(1);
    while (position < total)
    {
        while (recorder.freeBlocks() < minFree)
            std::this_thread::sleep_for(nap);
        signal.render(channels, position, avBlockFrames);
        const float* in[2] = {left.data(), right.data()};
        recorder.pushAudio(in, 2, avBlockFrames);
        position += avBlockFrames;
        if (position * 30 >= nextFrame * 48000)
        {
            while (recorder.freeVideoFrames() == 0)
            {
                ++videoWaits;
                std::this_thread::sleep_for(nap);
            }
            const auto& frame = frames[size_t(nextFrame) % frames.size()];
            recorder.pushVideoFrame(frame.data(), frame.size());
            ++nextFrame;
        }
    }
    recorder.stop();
    const double wall = std::chrono::duration<double>(Clock::now() - begin).count();
    const auto stats = recorder.stats();
    std::printf("\nsustained A/V: FLAC + MP4 (AAC + H.264 720p30 veryfast, x264 threads %s), 32-frame blocks, fast "
                "pacing\n",
                options.videoThreads.c_str());
    std::printf("  %.1f s of audio + %lld frames in %.3f s wall: %.2fx real time, %lld dropped frames, %lld video "
                "frames written, %lld dropped\n",
                seconds, (long long)nextFrame, wall, seconds / wall, (long long)stats.droppedFrames,
                (long long)stats.videoFramesWritten, (long long)stats.videoFramesDropped);
    std::printf(
        "{\"case\":\"sustained_av\",\"blockFrames\":32,\"outputs\":\"flac+mp4(aac+h264_720p30)\",\"x264_threads\":\"%"
        "s\","
        "\"audio_s\":%.3f,\"wall_s\":%.4f,\"realtime_factor\":%.3f,\"dropped_frames\":%lld,\"video_written\":%lld,"
        "\"video_dropped\":%lld,\"errors\":%lld,\"producer_video_waits\":%lld}\n",
        options.videoThreads.c_str(), seconds, wall, seconds / wall, (long long)stats.droppedFrames,
        (long long)stats.videoFramesWritten, (long long)stats.videoFramesDropped, (long long)stats.writeErrors,
        (long long)videoWaits);
}

void runRssCase(const Options& options, const fs::path& dir)
{
    auto config = flacAacConfig(dir, "rss");
    capstan::Recorder recorder(config);
    capstan::TestSignal signal({.kind = capstan::TestSignal::Kind::noise, .numChannels = 2});
    capstan::CallbackDriver driver(signal, {.blockFrames = 512, .pacing = capstan::CallbackDriver::Pacing::realtime});
    const double beforeStart = rssMegabytes();
    recorder.start();
    std::atomic<bool> stop{false};
    std::vector<double> samples;
    std::thread sampler(
        [&]
        {
            while (!stop.load())
            {
                samples.push_back(rssMegabytes());
                std::this_thread::sleep_for(std::chrono::seconds(1));
            }
        });
    driver.run(recorder, int64_t(options.minutes * 60.0 * 48000));
    stop = true;
    sampler.join();
    recorder.stop();
    // The first two seconds are warm-up (encoder buffers, first I/O); flatness is judged after them.
    const size_t skip = std::min<size_t>(2, samples.size());
    const auto [lo, hi] = std::minmax_element(samples.begin() + long(skip), samples.end());
    const double minRss = lo == samples.end() ? 0 : *lo, maxRss = hi == samples.end() ? 0 : *hi;
    std::printf("\nrss over a %.2f-minute realtime recording (FLAC + AAC, 512-frame blocks), %zu samples\n",
                options.minutes, samples.size());
    std::printf("  before start %.2f MB, after warm-up min %.2f MB max %.2f MB: spread %.3f MB, dropped %lld\n",
                beforeStart, minRss, maxRss, maxRss - minRss, (long long)recorder.stats().droppedFrames);
    std::printf("{\"case\":\"rss\",\"minutes\":%.3f,\"samples\":%zu,\"rss_before_start_mb\":%.3f,\"rss_min_mb\":%.3f,"
                "\"rss_max_mb\":%.3f,\"rss_spread_mb\":%.3f,\"dropped_frames\":%lld}\n",
                options.minutes, samples.size(), beforeStart, minRss, maxRss, maxRss - minRss,
                (long long)recorder.stats().droppedFrames);
}

void runStopCase(const Options& options, const fs::path& dir)
{
    struct Variant
    {
        const char* name;
        std::vector<capstan::OutputSpec> outputs;
    };
    const std::vector<Variant> variants = {
        {"flac+aac(m4a)",
         {{.path = (dir / "stop.flac").string(), .encoder = "flac"},
          {.path = (dir / "stop.m4a").string(), .encoder = "aac"}}},
        {"flac+aac(m4a,no-remux)",
         {{.path = (dir / "stop2.flac").string(), .encoder = "flac"},
          {.path = (dir / "stop2.m4a").string(), .encoder = "aac", .crashSafe = false}}},
        {"flac", {{.path = (dir / "stop-only.flac").string(), .encoder = "flac"}}},
    };
    std::printf("\nstop-to-finalized: 5 s recorded (fast), backlog drained, then stop() timed; %d runs each\n",
                options.stopRuns);
    for (const auto& variant : variants)
    {
        std::vector<double> times;
        for (int run = 0; run < options.stopRuns; ++run)
        {
            capstan::RecorderConfig config;
            config.outputs = variant.outputs;
            capstan::Recorder recorder(config);
            capstan::TestSignal signal({.kind = capstan::TestSignal::Kind::noise, .numChannels = 2});
            capstan::CallbackDriver driver(signal,
                                           {.blockFrames = 512, .pacing = capstan::CallbackDriver::Pacing::fast});
            recorder.start();
            driver.run(recorder, 5 * 48000);
            // A real-time recording reaches stop() with the encoder caught up: let the fast-paced backlog drain
            // first, so that what is timed is the drain of the last block plus the finalization.
            const auto drainDeadline = Clock::now() + std::chrono::seconds(10);
            while (recorder.stats().encoderLagSeconds > 1024.0 / 48000.0 && Clock::now() < drainDeadline)
                std::this_thread::sleep_for(std::chrono::milliseconds(1));
            const auto t0 = Clock::now();
            recorder.stop();
            times.push_back(std::chrono::duration<double>(Clock::now() - t0).count());
        }
        const auto p = percentiles(times);
        std::printf("  %-24s median %7.2f ms  max %7.2f ms\n", variant.name, p.p50 * 1e3, p.max * 1e3);
        std::printf(
            "{\"case\":\"stop_to_finalized\",\"outputs\":\"%s\",\"runs\":%d,\"median_ms\":%.3f,\"max_ms\":%.3f}\n",
            variant.name, options.stopRuns, p.p50 * 1e3, p.max * 1e3);
    }
}
} // namespace

int main(int argc, char** argv)
{
    Options options;
    for (int i = 1; i < argc; ++i)
    {
        const std::string arg = argv[i];
        auto value = [&] { return optionValue(argc, argv, i); };
        if (arg == "--pushes")
            options.pushes = std::stoi(value());
        else if (arg == "--speed")
            options.speed = std::stod(value());
        else if (arg == "--fifo")
            options.fifo = true;
        else if (arg == "--queue-seconds")
            options.queueSeconds = std::stod(value());
        else if (arg == "--sustained-seconds")
            options.sustainedSeconds = std::stod(value());
        else if (arg == "--minutes")
            options.minutes = std::stod(value());
        else if (arg == "--stop-runs")
            options.stopRuns = std::stoi(value());
        else if (arg == "--out")
            options.out = value();
        else if (arg == "--only")
            options.only = value();
        else if (arg == "--video-threads")
            options.videoThreads = value();
        else
        {
            std::fprintf(stderr, "usage: capstan_bench_recorder [--pushes N] [--speed X] [--fifo] [--queue-seconds S] "
                                 "[--sustained-seconds S] "
                                 "[--minutes M] [--stop-runs K] [--out DIR] [--video-threads N|auto] "
                                 "[--only push|sustained|sustained-av|dump-av|rss|stop]\n");
            return 2;
        }
    }
    const fs::path dir(options.out);
    fs::create_directories(dir);
    try
    {
        if (options.only.empty() || options.only == "push")
            runPushCase(options, dir);
        if (options.only.empty() || options.only == "sustained")
            runSustainedCase(options, dir);
        if (options.only.empty() || options.only == "sustained-av")
            runSustainedVideoCase(options, dir);
        if (options.only == "dump-av")
            dumpSustainedVideoInput(options, dir);
        if (options.only.empty() || options.only == "stop")
            runStopCase(options, dir);
        if (options.only.empty() || options.only == "rss")
            runRssCase(options, dir);
    }
    catch (const std::exception& e)
    {
        std::fprintf(stderr, "error: %s\n", e.what());
        return 1;
    }
    return 0;
}
