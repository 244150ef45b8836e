#include "SpectrumAnalyser.h"

#include <capstan/media/Error.h>

#include <algorithm>
#include <cmath>
#include <numbers>
#include <string>

extern "C"
{
#include <libavutil/mem.h>
#include <libavutil/tx.h>
}

namespace capstan
{

/** FFmpeg's transform context and its aligned buffers (av_tx wants CPU-aligned input and output). */
struct SpectrumAnalyser::Transform
{
    AVTXContext* context = nullptr;
    av_tx_fn run = nullptr;
    float* input = nullptr;
    AVComplexFloat* output = nullptr;

    ~Transform()
    {
        av_tx_uninit(&context);
        av_freep(&input);
        av_freep(&output);
    }
};

SpectrumAnalyser::SpectrumAnalyser(int fftSizeIn, float floorDecibelsIn)
    : size(fftSizeIn), paddedSize(16), floorDecibels(floorDecibelsIn), transform(std::make_unique<Transform>())
{
    if (size < 16 || size > (1 << 20))
        throw Error("spectrum analyser: FFT size " + std::to_string(size) +
                    " is not supported; accepted: 16 to 1048576 samples (default 4000)");
    while (paddedSize < size)
        paddedSize *= 2;
    if (!(floorDecibels < 0.0f))
        throw Error("spectrum analyser: the level floor must be below 0 dB, got " + std::to_string(floorDecibels));

    const float scale = 1.0f;
    checkFfmpeg(av_tx_init(&transform->context, &transform->run, AV_TX_FLOAT_RDFT, 0, paddedSize, &scale, 0),
                "spectrum analyser: FFmpeg's real DFT of " + std::to_string(paddedSize) + " points");
    // The RDFT may use the input as scratch space and writes n/2+1 complex values.
    transform->input = static_cast<float*>(av_malloc(sizeof(float) * size_t(paddedSize + 2)));
    transform->output = static_cast<AVComplexFloat*>(av_malloc(sizeof(AVComplexFloat) * size_t(numBins())));
    if (transform->input == nullptr || transform->output == nullptr)
        throw Error("spectrum analyser: out of memory");

    // Periodic Hann window; its coherent gain (sum / n = 0.5) is divided out so that a full-scale sine reads 1.0.
    hann.resize(size_t(size));
    double sum = 0.0;
    for (int i = 0; i < size; ++i)
    {
        hann[size_t(i)] = float(0.5 - 0.5 * std::cos(2.0 * std::numbers::pi * i / size));
        sum += hann[size_t(i)];
    }
    windowGain = float(2.0 / sum);
    linear.assign(size_t(numBins()), 0.0f);
    levels.assign(size_t(numBins()), 0.0f);
}

SpectrumAnalyser::~SpectrumAnalyser() = default;

std::span<const float> SpectrumAnalyser::analyse(std::span<const float> window)
{
    if (window.size() != size_t(size))
        throw Error("spectrum analyser: got " + std::to_string(window.size()) + " samples, expected exactly " +
                    std::to_string(size) + " (the FFT size)");

    for (int i = 0; i < size; ++i)
        transform->input[i] = window[size_t(i)] * hann[size_t(i)];
    std::fill(transform->input + size, transform->input + paddedSize + 2, 0.0f); // the zero padding
    transform->run(transform->context, transform->output, transform->input, sizeof(float));
    // FFmpeg 5.1's RDFT writes only the real parts of the DC and Nyquist bins (their imaginary parts are zero by
    // definition) and leaves the imaginary slots untouched.
    transform->output[0].im = 0.0f;
    transform->output[numBins() - 1].im = 0.0f;

    const float range = -floorDecibels;
    for (int bin = 0; bin < numBins(); ++bin)
    {
        const auto& c = transform->output[bin];
        const float magnitude = std::sqrt(c.re * c.re + c.im * c.im) * windowGain;
        linear[size_t(bin)] = magnitude;
        const float decibels = 20.0f * std::log10(std::max(magnitude, 1.0e-12f));
        levels[size_t(bin)] = std::clamp((decibels - floorDecibels) / range, 0.0f, 1.0f);
    }
    return levels;
}

} // namespace capstan
