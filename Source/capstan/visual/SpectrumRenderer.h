#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <string>

namespace capstan
{

/** How a spectrum frame looks. Colours are 0xRRGGBB. */
struct SpectrumStyle
{
    uint32_t background = 0xffffff;
    uint32_t fill = 0xee4c2c; ///< drawn twice: the full level at 20 % opacity, 80 % of it at 70 %
    uint32_t text = 0x606060;
    std::string label = std::string("Created with Capstan\n") + CAPSTAN_VERSION;
};

/** Draws a spectrum as the tutorial's figure does: a filled curve mirrored about the horizontal centre line, in two
    alpha layers, with a small label in the top-right corner. Rendering uses JUCE's software renderer into an
    in-memory image (no display, no message loop; text is drawn with FreeType), so it works in a command-line tool,
    on an encoder thread or in a plug-in. The interface keeps JUCE out of callers' headers.

    One renderer is used from one thread at a time; frames are drawn into memory allocated in the constructor. */
class SpectrumRenderer
{
public:
    /** Throws capstan::Error when a side is outside [16, 7680]. */
    SpectrumRenderer(int width, int height, SpectrumStyle style = {});
    ~SpectrumRenderer();

    SpectrumRenderer(const SpectrumRenderer&) = delete;
    SpectrumRenderer& operator=(const SpectrumRenderer&) = delete;

    int width() const;
    int height() const;

    /** Draws one frame: `levels` in [0, 1] from DC (left) to Nyquist (right), any count >= 1; each pixel column
        shows the highest level of the bins that fall into it. */
    void render(std::span<const float> levels);

    /** The last frame, tightly packed width * height * 4 bytes in FFmpeg's `bgra` order (capstan::PixelFormat::bgra),
        valid until the next render(). */
    std::span<const uint8_t> bgra() const;

    /** The last frame converted to tightly packed RGB24 (width * height * 3 bytes) with libswscale. */
    void copyRgb24(std::span<uint8_t> destination) const;

    /** Writes the last frame as a PNG (JUCE's PNG writer); throws capstan::Error when the file cannot be written. */
    void savePng(const std::filesystem::path& file) const;

private:
    class Impl;
    std::unique_ptr<Impl> impl;
};

} // namespace capstan
