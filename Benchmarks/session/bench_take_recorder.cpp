// capstan_bench_take_recorder: the audio-thread cost of TakeRecorder::process() (the plugin's and the app's path)
// beside Recorder::pushAudio (the engine it wraps), measured in the same run on the same blocks.
//
//   capstan_bench_take_recorder [--blocks N] [--speed X] [--takes K] [--out DIR]
//
// Cases (a table, then one JSON line per case):
//   push      Recorder::pushAudio, 512-frame stereo blocks at 48 kHz, WAV 32f + FLAC outputs, paced at X times real
//             time, recording throughout.
//   process   TakeRecorder::process on the same blocks with the same two formats, record on throughout.
//   toggles   K takes of 0.25 s: the cost of the blocks where record turns on and off (the worker opens and closes
//             the files meanwhile), and how many frames were dropped.

#include "../support/BenchSupport.h"

#include <capstan/realtime/Recorder.h>
#include <capstan/realtime/TestSignal.h>
#include <capstan/session/TakeRecorder.h>

#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

namespace
{
using namespace capstan::bench;
namespace fs = std::filesystem;
constexpr int frames = 512;
constexpr int rate = 48000;

struct Options
{
    int blocks = 8000;
    double speed = 8.0;
    int takes = 40;
    std::string out = "/tmp/capstan-bench-take-recorder";
};

/** Eight distinct stereo blocks of noise, cycled (warm in cache, as a callback's own buffer is). */
struct Blocks
{
    std::vector<std::vector<float>> planes;
    explicit Blocks(int distinct)
    {
        capstan::TestSignal signal({.kind = capstan::TestSignal::Kind::noise, .sampleRate = rate, .numChannels = 2});
        planes.assign(size_t(distinct) * 2, std::vector<float>(frames));
        for (int i = 0; i < distinct; ++i)
        {
            float* channels[] = {planes[size_t(i) * 2].data(), planes[size_t(i) * 2 + 1].data()};
            signal.render(channels, int64_t(i) * frames, frames);
        }
    }
    void pointers(int index, const float* out[2]) const
    {
        const size_t i = size_t(index) % (planes.size() / 2);
        out[0] = planes[i * 2].data();
        out[1] = planes[i * 2 + 1].data();
    }
};

/** Calls `call(i, channels)` for `n` blocks paced at `speed` times real time; returns the seconds each call took. */
template <typename Call>
std::vector<double> timeBlocks(const Blocks& blocks, int n, double speed, Call&& call)
{
    std::vector<double> times;
    times.reserve(size_t(n));
    const double period = frames / double(rate) / speed;
    const auto begin = Clock::now();
    for (int i = 0; i < n; ++i)
    {
        waitUntil(begin + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(period * i)));
        const float* channels[2];
        blocks.pointers(i, channels);
        const auto t0 = Clock::now();
        call(i, channels);
        times.push_back(std::chrono::duration<double>(Clock::now() - t0).count());
    }
    return times;
}

void report(const char* name, const Percentiles& p, int64_t dropped, int n)
{
    std::printf("  %-10s p50 %7.3f us  p99 %7.3f us  p99.99 %8.3f us  max %8.3f us  dropped %lld\n", name, p.p50 * 1e6,
                p.p99 * 1e6, p.p9999 * 1e6, p.max * 1e6, (long long)dropped);
    std::printf("{\"case\":\"%s\",\"blockFrames\":%d,\"channels\":2,\"blocks\":%d,\"p50_us\":%.4f,\"p99_us\":%.4f,"
                "\"p99_99_us\":%.4f,\"max_us\":%.4f,\"dropped\":%lld}\n",
                name, frames, n, p.p50 * 1e6, p.p99 * 1e6, p.p9999 * 1e6, p.max * 1e6, (long long)dropped);
}

capstan::TakeSettings settingsIn(const fs::path& dir)
{
    capstan::TakeSettings settings;
    settings.format = capstan::RecordingFormat::wav32f;
    settings.extraFormats = {capstan::RecordingFormat::flac};
    settings.folder = dir.string();
    settings.pattern = "take%take%";
    return settings;
}

/** Keeps calling process() with record off until the worker has the next take armed, as a host keeps calling. */
void waitUntilReady(capstan::TakeRecorder& recorder, const Blocks& blocks)
{
    const float* channels[2];
    blocks.pointers(0, channels);
    for (int i = 0; i < 4000 && !recorder.status().nextTakeReady; ++i)
    {
        recorder.process(channels, 2, frames, false);
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
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
        if (arg == "--blocks")
            options.blocks = std::stoi(value());
        else if (arg == "--speed")
            options.speed = std::stod(value());
        else if (arg == "--takes")
            options.takes = std::stoi(value());
        else if (arg == "--out")
            options.out = value();
        else
        {
            std::fprintf(stderr,
                         "usage: capstan_bench_take_recorder [--blocks N] [--speed X] [--takes K] [--out DIR]\n");
            return 2;
        }
    }
    const fs::path dir = options.out;
    fs::remove_all(dir);
    fs::create_directories(dir);
    const Blocks blocks(8);
    std::printf("512-frame stereo blocks at %.1fx real time, WAV 32f + FLAC (%d blocks)\n", options.speed,
                options.blocks);

    Percentiles push, process;
    int64_t pushDropped = 0, processDropped = 0;
    {
        capstan::Recorder recorder({.sampleRate = rate,
                                    .numChannels = 2,
                                    .outputs = {{.path = (dir / "push.wav").string(), .encoder = "pcm_f32le"},
                                                {.path = (dir / "push.flac").string(), .encoder = "flac"}}});
        recorder.start();
        push = percentiles(timeBlocks(blocks, options.blocks, options.speed,
                                      [&](int, const float* const* c) { recorder.pushAudio(c, 2, frames); }));
        recorder.stop();
        pushDropped = recorder.stats().droppedFrames;
    }
    {
        capstan::TakeRecorder recorder;
        recorder.setSettings(settingsIn(dir / "process"));
        recorder.prepare(rate, 2, frames);
        waitUntilReady(recorder, blocks);
        process = percentiles(timeBlocks(blocks, options.blocks, options.speed,
                                         [&](int, const float* const* c) { recorder.process(c, 2, frames, true); }));
        const float* channels[2];
        blocks.pointers(0, channels);
        recorder.process(channels, 2, frames, false);
        processDropped = recorder.status().droppedFrames;
        recorder.release();
    }

    // Takes of 0.25 s (about 23 blocks) with 0.25 s between them, paced in real time so the worker has time to arm.
    std::vector<double> toggleTimes;
    int completed = 0;
    int64_t toggleDropped = 0;
    {
        capstan::TakeRecorder recorder;
        recorder.setSettings(settingsIn(dir / "toggles"));
        recorder.prepare(rate, 2, frames);
        waitUntilReady(recorder, blocks);
        const int blocksPerHalf = int(0.25 * rate / frames);
        const auto times = timeBlocks(blocks, options.takes * 2 * blocksPerHalf, 1.0,
                                      [&](int i, const float* const* c)
                                      { recorder.process(c, 2, frames, (i / blocksPerHalf) % 2 == 0); });
        for (size_t i = 0; i < times.size(); i += size_t(blocksPerHalf))
            toggleTimes.push_back(times[i]);
        const float* channels[2];
        blocks.pointers(0, channels);
        recorder.process(channels, 2, frames, false);
        recorder.release();
        completed = recorder.status().takesCompleted;
        toggleDropped = recorder.status().droppedFrames; // the last take's
    }

    report("push", push, pushDropped, options.blocks);
    report("process", process, processDropped, options.blocks);
    report("toggles", percentiles(toggleTimes), toggleDropped, int(toggleTimes.size()));
    std::printf("  process/push median ratio %.2f; %d of %d takes completed\n", process.p50 / push.p50, completed,
                options.takes);
    std::printf("{\"case\":\"ratio\",\"process_over_push_p50\":%.3f,\"takes\":%d,\"completed\":%d}\n",
                process.p50 / push.p50, options.takes, completed);
    return 0;
}
