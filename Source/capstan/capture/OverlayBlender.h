#pragma once

#include <cstdint>
#include <span>

namespace capstan
{

/** Draws a small BGRA picture (e.g. the spectrum visualizer) over a yuv420p frame: the composition of a camera or
    screen with an overlay in one video stream.

    The overlay is converted with the BT.601 limited-range matrix (what swscale uses for yuv420p by default) and mixed
    at `opacity` times its own alpha; chroma takes the mean of each 2x2 block. Integer arithmetic, no allocation: it
    runs on the capture thread for every frame. Parts of the overlay outside the frame are clipped. */
class OverlayBlender
{
public:
    /** `frame`: yuv420p, tightly packed, `frameWidth` x `frameHeight` (even). `overlay`: BGRA, `width` x `height`,
        placed with its top-left corner at (`x`, `y`) (rounded down to even). */
    static void blend(std::span<uint8_t> frame, int frameWidth, int frameHeight, std::span<const uint8_t> overlay,
                      int width, int height, int x, int y, float opacity = 1.0f);
};

} // namespace capstan
