#include "OverlayBlender.h"

#include <algorithm>

namespace capstan
{
namespace
{
// BT.601, limited range, 8-bit fixed point (x 256).
inline int lumaOf(int r, int g, int b)
{
    return ((66 * r + 129 * g + 25 * b + 128) >> 8) + 16;
}
inline int blueDifferenceOf(int r, int g, int b)
{
    return ((-38 * r - 74 * g + 112 * b + 128) >> 8) + 128;
}
inline int redDifferenceOf(int r, int g, int b)
{
    return ((112 * r - 94 * g - 18 * b + 128) >> 8) + 128;
}
inline uint8_t mix(int under, int over, int alpha /* 0..256 */)
{
    return uint8_t((under * (256 - alpha) + over * alpha + 128) >> 8);
}
} // namespace

void OverlayBlender::blend(std::span<uint8_t> frame, int frameWidth, int frameHeight, std::span<const uint8_t> overlay,
                           int width, int height, int x, int y, float opacity)
{
    x &= ~1;
    y &= ~1;
    const int x0 = std::max(0, x), y0 = std::max(0, y);
    const int x1 = std::min(frameWidth, x + width) & ~1, y1 = std::min(frameHeight, y + height) & ~1;
    if (x1 <= x0 || y1 <= y0 || overlay.size() < size_t(width) * size_t(height) * 4 ||
        frame.size() < size_t(frameWidth) * size_t(frameHeight) * 3 / 2)
        return;
    const int scale = std::clamp(int(opacity * 256.0f + 0.5f), 0, 256);
    uint8_t* luma = frame.data();
    uint8_t* blue = luma + size_t(frameWidth) * size_t(frameHeight);
    uint8_t* red = blue + size_t(frameWidth / 2) * size_t(frameHeight / 2);
    const auto alphaAt = [&](int px, int py)
    {
        const uint8_t* p = overlay.data() + (size_t(py - y) * size_t(width) + size_t(px - x)) * 4;
        return (int(p[3]) * scale + 127) / 255; // 0..256
    };
    for (int py = y0; py < y1; ++py)
        for (int px = x0; px < x1; ++px)
        {
            const uint8_t* p = overlay.data() + (size_t(py - y) * size_t(width) + size_t(px - x)) * 4;
            uint8_t& target = luma[size_t(py) * size_t(frameWidth) + size_t(px)];
            target = mix(target, lumaOf(p[2], p[1], p[0]), alphaAt(px, py));
        }
    for (int cy = y0 / 2; cy < y1 / 2; ++cy)
        for (int cx = x0 / 2; cx < x1 / 2; ++cx)
        {
            int r = 0, g = 0, b = 0, alpha = 0;
            for (int dy = 0; dy < 2; ++dy)
                for (int dx = 0; dx < 2; ++dx)
                {
                    const int px = 2 * cx + dx, py = 2 * cy + dy;
                    const uint8_t* p = overlay.data() + (size_t(py - y) * size_t(width) + size_t(px - x)) * 4;
                    b += p[0];
                    g += p[1];
                    r += p[2];
                    alpha += alphaAt(px, py);
                }
            const size_t at = size_t(cy) * size_t(frameWidth / 2) + size_t(cx);
            blue[at] = mix(blue[at], blueDifferenceOf(r / 4, g / 4, b / 4), alpha / 4);
            red[at] = mix(red[at], redDifferenceOf(r / 4, g / 4, b / 4), alpha / 4);
        }
}

} // namespace capstan
