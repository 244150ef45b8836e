// Spectrum visualizer cost per video frame vs the frame period: analysis (FFT), drawing, and both with the RGB24
// conversion, at 320x240 / 20 fps / 4000-point FFT (the goal: >= 10x real time) and a few other sizes.
// Prints a table and one JSON line per case.

#include <capstan/visual/SpectrumAnalyser.h>
#include <capstan/visual/SpectrumRenderer.h>
#include <capstan/visual/SpectrumVisualizer.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <numbers>
#include <random>
#include <vector>

namespace
{
using Clock = std::chrono::steady_clock;

struct Case
{
    int width, height, fps, fftSize;
};

double median(std::vector<double> values)
{
    std::sort(values.begin(), values.end());
    return values[values.size() / 2];
}

double percentile(std::vector<double> values, double p)
{
    std::sort(values.begin(), values.end());
    return values[std::min(values.size() - 1, size_t(p * double(values.size())))];
}

/** Music-like test audio: a few partials with vibrato plus noise, so every frame's spectrum differs. */
std::vector<float> makeAudio(int sampleRate, int numSamples)
{
    std::vector<float> audio(static_cast<size_t>(numSamples));
    std::minstd_rand random(7);
    std::uniform_real_distribution<float> noise(-0.02f, 0.02f);
    for (int i = 0; i < numSamples; ++i)
    {
        const double t = double(i) / sampleRate;
        double s = 0.0;
        for (int k = 1; k <= 6; ++k)
            s += 0.3 / k * std::sin(2.0 * std::numbers::pi * (220.0 * k + 5.0 * std::sin(2.0 * t)) * t);
        audio[size_t(i)] = float(s) + noise(random);
    }
    return audio;
}
} // namespace

int main()
{
    const int sampleRate = 48000;
    const Case cases[] = {{320, 240, 20, 4000}, {640, 360, 30, 4000}, {1280, 720, 30, 4096}, {320, 240, 20, 16384}};
    std::printf("%-10s %4s %6s %9s %9s %9s %9s %9s %10s\n", "size", "fps", "fft", "fft_us", "draw_us", "frame_us",
                "p99_us", "period_us", "realtime_x");
    for (const auto& c : cases)
    {
        const int numFrames = 200;
        const auto audio = makeAudio(sampleRate, sampleRate * numFrames / c.fps + c.fftSize);

        capstan::SpectrumAnalyser analyser(c.fftSize);
        capstan::SpectrumRenderer renderer(c.width, c.height);
        std::vector<uint8_t> rgb(size_t(c.width) * size_t(c.height) * 3);
        std::vector<double> fftTimes, drawTimes, frameTimes;
        for (int warm = 0; warm < 5; ++warm) // fonts and glyph caches
            renderer.render(analyser.analyse(std::span<const float>(audio).first(size_t(c.fftSize))));

        for (int frame = 0; frame < numFrames; ++frame)
        {
            const auto start = capstan::SpectrumVisualizer::frameCentreSample(frame, sampleRate, {c.fps, 1});
            const auto t0 = Clock::now();
            const auto levels =
                analyser.analyse(std::span<const float>(audio).subspan(size_t(start), size_t(c.fftSize)));
            const auto t1 = Clock::now();
            renderer.render(levels);
            const auto t2 = Clock::now();
            renderer.copyRgb24(rgb);
            const auto t3 = Clock::now();
            fftTimes.push_back(std::chrono::duration<double, std::micro>(t1 - t0).count());
            drawTimes.push_back(std::chrono::duration<double, std::micro>(t2 - t1).count());
            frameTimes.push_back(std::chrono::duration<double, std::micro>(t3 - t0).count());
        }
        const double period = 1.0e6 / c.fps;
        const double frameMedian = median(frameTimes);
        char size[32];
        std::snprintf(size, sizeof(size), "%dx%d", c.width, c.height);
        std::printf("%-10s %4d %6d %9.1f %9.1f %9.1f %9.1f %9.0f %10.1f\n", size, c.fps, c.fftSize, median(fftTimes),
                    median(drawTimes), frameMedian, percentile(frameTimes, 0.99), period, period / frameMedian);
        std::printf(
            "{\"bench\":\"visualizer\",\"width\":%d,\"height\":%d,\"fps\":%d,\"fft\":%d,\"fft_us\":%.2f,"
            "\"draw_us\":%.2f,\"frame_us\":%.2f,\"frame_p99_us\":%.2f,\"period_us\":%.0f,\"realtime_x\":%.1f}\n",
            c.width, c.height, c.fps, c.fftSize, median(fftTimes), median(drawTimes), frameMedian,
            percentile(frameTimes, 0.99), period, period / frameMedian);
    }
    return 0;
}
