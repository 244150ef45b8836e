#pragma once

#include <capstan/media/Formats.h>

#include <cstdint>
#include <mutex>
#include <span>
#include <vector>

struct SwsContext;

namespace capstan
{

/** The latest picture of a video source for a live preview: the capture thread offers each frame, a GUI timer takes
    the newest one scaled to its own size as packed BGRA (what juce::Image's ARGB holds on little-endian machines).

    The capture thread only copies the frame under a mutex (never the audio thread; a GUI that holds the lock for a
    conversion delays the capture by a millisecond or two, never the audio). Nothing is copied while no preview is
    wanted (setEnabled(false), the default). */
class PreviewFrame
{
public:
    PreviewFrame(PixelFormat format, int width, int height);
    ~PreviewFrame();

    PreviewFrame(const PreviewFrame&) = delete;
    PreviewFrame& operator=(const PreviewFrame&) = delete;

    int width() const { return frameWidth; }
    int height() const { return frameHeight; }

    /** Any thread: start or stop keeping frames for a preview. */
    void setEnabled(bool enabled);
    bool enabled() const;

    /** Capture thread: a new frame (tightly packed, the format and size given at construction). */
    void offer(std::span<const uint8_t> frame);

    /** Any thread: the newest frame as BGRA at `width` x `height` into `bgra` (resized), when it is newer than
        `sequence` (updated). False when there is none yet or nothing new. */
    bool take(std::vector<uint8_t>& bgra, int width, int height, int64_t& sequence);

private:
    PixelFormat format;
    int frameWidth, frameHeight;
    mutable std::mutex mutex;
    bool wanted = false;
    std::vector<uint8_t> latest;
    int64_t latestSequence = 0;
    SwsContext* scaler = nullptr;
};

} // namespace capstan
