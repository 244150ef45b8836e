#pragma once

// Small pieces every benchmark executable uses: percentiles of a sample and an audio-thread-like wait.

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

namespace capstan::bench
{
using Clock = std::chrono::steady_clock;

struct Percentiles
{
    double p50 = 0, p99 = 0, p9999 = 0, max = 0, mean = 0;
};

inline Percentiles percentiles(std::vector<double> v)
{
    Percentiles p;
    if (v.empty())
        return p;
    std::sort(v.begin(), v.end());
    auto at = [&v](double q) { return v[std::min(v.size() - 1, size_t(q * double(v.size() - 1) + 0.5))]; };
    p.p50 = at(0.5);
    p.p99 = at(0.99);
    p.p9999 = at(0.9999);
    p.max = v.back();
    double sum = 0;
    for (double x : v)
        sum += x;
    p.mean = sum / double(v.size());
    return p;
}

/** Waits for `deadline` as an audio thread waits for its device: asleep until shortly before, then spinning, so
    that the call starts on time on a warm core without one core being burnt spinning the whole period (on a
    2-core machine that would starve the encoder thread). */
inline void waitUntil(Clock::time_point deadline)
{
    std::this_thread::sleep_until(deadline - std::chrono::microseconds(150));
    while (Clock::now() < deadline)
        __builtin_ia32_pause();
}

/** Command lines: the value after argv[i] (advancing i), or exit 2 naming the option when it is missing. */
inline std::string optionValue(int argc, char** argv, int& i)
{
    if (i + 1 >= argc)
    {
        std::fprintf(stderr, "%s needs a value\n", argv[i]);
        std::exit(2);
    }
    return argv[++i];
}

} // namespace capstan::bench
