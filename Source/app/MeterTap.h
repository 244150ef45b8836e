#pragma once

#include <array>
#include <atomic>
#include <cstdint>

namespace capstan::app
{

/** One metering point of the engine: the signal going into the take's file, or the pre-chain signal.

    The audio thread measures every piece of audio it hands to a recorder; the message thread reads. Per channel it
    keeps the peak for the meter's bar (reset by each read), and the highest peak and the number of samples at or
    over full scale (|x| >= 1) since the last reset, which the meter shows as numbers. The same two figures are also
    kept for the recorded samples of the current take only, so that they match the take's file exactly. Lock-free:
    the message thread only asks for a reset, the audio thread does it. */
class MeterTap
{
public:
    static constexpr int maxChannels = 16;

    struct Reading
    {
        float peak = 0;        ///< highest |sample|, linear (above 1 when the signal goes over full scale)
        int64_t fullScale = 0; ///< samples with |x| >= 1
    };

    MeterTap();

    /** Audio thread: one piece of audio; `recorded` when the piece goes into the current take's file. */
    void measure(const float* const* channels, int numChannels, int numFrames, bool recorded) noexcept;
    /** Audio thread: a take starts; its figures and the held ones start from zero. */
    void beginTake() noexcept;

    /** Message thread: the peak since the last call (for the bar). */
    float takeBarPeak(int channel) noexcept;
    /** Any thread: since the last reset (click on the meter) or the start of the last take. */
    Reading held(int channel) const noexcept;
    /** Any thread: the recorded samples of the current (or last) take. */
    Reading take(int channel) const noexcept;
    /** Any thread: the held figures restart from zero at the next measured piece. */
    void requestReset() noexcept { resetWanted.store(true); }
    int numChannels() const noexcept { return channelCount.load(std::memory_order_relaxed); }

private:
    struct Channel
    {
        std::atomic<float> bar{0}, heldPeak{0}, takePeak{0};
        std::atomic<int64_t> heldFullScale{0}, takeFullScale{0};
    };
    std::array<Channel, maxChannels> state;
    std::atomic<bool> resetWanted{false};
    std::atomic<int> channelCount{0};
};

} // namespace capstan::app
