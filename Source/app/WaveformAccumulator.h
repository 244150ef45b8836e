#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <vector>

namespace capstan::app
{

/** The waveform of the take in progress, handed from the audio thread to the window without locks.

    The audio thread folds the recorded samples (all channels) into bins of a fixed number of frames, each bin the
    lowest and highest sample value seen, and publishes every finished bin into a fixed ring. The message thread
    collects the bins published since its last call; a take's start is marked so that the reader drops the bins of
    the previous take. Nothing is allocated after construction and nothing waits. */
class WaveformAccumulator
{
public:
    struct Bin
    {
        float min = 0, max = 0;
    };

    static constexpr int ringSize = 8192; ///< bins; 80 s at 10 ms bins, far more than a 15 Hz reader needs

    /** Control thread, before audio runs: bins of `framesPerBin` frames (at least 1). */
    void prepare(int framesPerBin) noexcept;
    int framesPerBin() const noexcept { return binFrames.load(std::memory_order_relaxed); }

    /** Audio thread: a take starts; the unfinished bin is dropped and the reader starts over. */
    void beginTake() noexcept;
    /** Audio thread: recorded samples, `numChannels` x `numFrames`. */
    void add(const float* const* channels, int numChannels, int numFrames) noexcept;

    /** Message thread: appends the bins finished since the last call to `take` (cleared first when a new take
        started). Returns how many were appended. Bins the reader was too late for (more than ringSize behind) are
        skipped and counted in `missedBins`. */
    int collect(std::vector<Bin>& take);
    int64_t missedBins() const noexcept { return missed; }

private:
    void publish() noexcept;

    std::array<std::atomic<float>, ringSize> mins{}, maxs{};
    std::atomic<int64_t> written{0};   ///< bins published so far (all takes)
    std::atomic<int64_t> takeStart{0}; ///< index of the current take's first bin
    std::atomic<int> binFrames{480};
    // Audio thread only: the bin being filled.
    float binMin = 0, binMax = 0;
    int binFilled = 0;
    // Message thread only.
    int64_t readUpTo = 0, readTakeStart = -1, missed = 0;
};

/** Message thread: the peak per pixel column of `bins` drawn `columns` wide (each column the lowest min and the highest
    max of the bins it covers; a column between two bins takes the nearer one). Empty when there are no bins. */
std::vector<WaveformAccumulator::Bin> columnPeaks(const std::vector<WaveformAccumulator::Bin>& bins, int columns);

} // namespace capstan::app
