#include "SpectrumRenderer.h"

#include <capstan/media/Error.h>

#include <juce_graphics/juce_graphics.h>

#include <algorithm>
#include <cstring>

extern "C"
{
#include <libswscale/swscale.h>
}

namespace capstan
{

namespace
{
juce::Colour colourOf(uint32_t rgb, float alpha = 1.0f)
{
    return juce::Colour(uint8_t(rgb >> 16), uint8_t(rgb >> 8), uint8_t(rgb), alpha);
}

/** The label's font on a typeface of this renderer's own (the same default sans-serif font). JUCE's cached typefaces
    are shared by everything in the process, and their glyph caches and FreeType faces are not thread-safe: this
    renderer draws on a visualizer thread while a GUI may draw text on the message thread (in the app: heap corruption
    in FreeType, seen in its tests). Only the typeface's creation touches the shared FreeType library. */
juce::Font labelFont(float height)
{
    const juce::Font shared(juce::Font::getDefaultSansSerifFontName(), height, juce::Font::plain);
    if (auto own = juce::Font::getDefaultTypefaceForFont(shared))
        return juce::Font(own).withHeight(height);
    return shared;
}
} // namespace

class SpectrumRenderer::Impl
{
public:
    Impl(int w, int h, SpectrumStyle styleIn)
        : style(std::move(styleIn)),
          // A software image: its ARGB pixels are B, G, R, A in memory on little-endian machines (FFmpeg's bgra),
          // and its line stride is exactly width * 4, so the frame needs no repacking.
          image(juce::Image::ARGB, w, h, true, juce::SoftwareImageType()),
          pixels(image, juce::Image::BitmapData::readOnly), columns(size_t(w), 0.0f),
          font(labelFont(std::max(8.0f, float(h) / 24.0f)))
    {
        static_assert(juce::PixelARGB::indexB == 0 && juce::PixelARGB::indexA == 3,
                      "JUCE's ARGB pixels must be laid out as FFmpeg's bgra");
        jassert(pixels.lineStride == w * 4 && pixels.pixelStride == 4);
        scaler = sws_getContext(w, h, AV_PIX_FMT_BGRA, w, h, AV_PIX_FMT_RGB24, SWS_POINT, nullptr, nullptr, nullptr);
        if (scaler == nullptr)
            throw Error("spectrum renderer: libswscale cannot convert bgra to rgb24 at this size");
        path.preallocateSpace(4 * w + 16);
    }

    ~Impl() { sws_freeContext(scaler); }

    void render(std::span<const float> levels)
    {
        const int w = image.getWidth(), h = image.getHeight();
        // Peak per pixel column: narrow peaks stay visible however many bins share a column.
        const size_t numLevels = levels.size();
        for (int x = 0; x < w; ++x)
        {
            const size_t first = size_t(x) * numLevels / size_t(w);
            const size_t last = std::max(first + 1, size_t(x + 1) * numLevels / size_t(w));
            float peak = 0.0f;
            for (size_t i = first; i < std::min(last, numLevels); ++i)
                peak = std::max(peak, levels[i]);
            columns[size_t(x)] = std::clamp(peak, 0.0f, 1.0f);
        }

        juce::Graphics g(image);
        g.fillAll(colourOf(style.background));

        const float centre = float(h) * 0.5f;
        const float halfHeight = float(h) * 0.5f - 2.0f; // keep a 2-pixel margin as the figure's axes do
        for (const auto& [coefficient, alpha] : {std::pair{1.0f, 0.2f}, std::pair{0.8f, 0.7f}})
        {
            path.clear();
            path.startNewSubPath(0.0f, centre);
            for (int x = 0; x < w; ++x)
                path.lineTo(float(x) + 0.5f, centre - coefficient * columns[size_t(x)] * halfHeight);
            path.lineTo(float(w), centre);
            for (int x = w - 1; x >= 0; --x)
                path.lineTo(float(x) + 0.5f, centre + coefficient * columns[size_t(x)] * halfHeight);
            path.closeSubPath();
            g.setColour(colourOf(style.fill, alpha));
            g.fillPath(path);
        }

        if (!style.label.empty())
        {
            g.setColour(colourOf(style.text));
            g.setFont(font);
            const int margin = std::max(2, h / 60);
            g.drawFittedText(juce::String::fromUTF8(style.label.c_str()), margin, margin, w - 2 * margin, h / 3,
                             juce::Justification::topRight, 3);
        }
    }

    std::span<const uint8_t> bgra() const
    {
        return {pixels.data, size_t(image.getWidth()) * size_t(image.getHeight()) * 4};
    }

    void copyRgb24(std::span<uint8_t> destination) const
    {
        const int w = image.getWidth(), h = image.getHeight();
        if (destination.size() != size_t(w) * size_t(h) * 3)
            throw Error("spectrum renderer: an RGB24 frame of " + std::to_string(w) + "x" + std::to_string(h) +
                        " needs " + std::to_string(size_t(w) * size_t(h) * 3) + " bytes, got " +
                        std::to_string(destination.size()));
        const uint8_t* source[1] = {pixels.data};
        const int sourceStride[1] = {w * 4};
        uint8_t* dest[1] = {destination.data()};
        const int destStride[1] = {w * 3};
        sws_scale(scaler, source, sourceStride, 0, h, dest, destStride);
    }

    void savePng(const std::filesystem::path& file) const
    {
        juce::File target(juce::String::fromUTF8(std::filesystem::absolute(file).string().c_str()));
        target.deleteFile();
        juce::FileOutputStream stream(target);
        juce::PNGImageFormat png;
        if (!stream.openedOk() || !png.writeImageToStream(image, stream))
            throw Error("spectrum renderer: cannot write the PNG file '" + file.string() + "'");
    }

    SpectrumStyle style;
    juce::Image image;
    juce::Image::BitmapData pixels;
    std::vector<float> columns;
    juce::Font font;
    juce::Path path;
    SwsContext* scaler = nullptr;
};

SpectrumRenderer::SpectrumRenderer(int width, int height, SpectrumStyle style)
{
    if (width < 16 || height < 16 || width > 7680 || height > 7680)
        throw Error("spectrum renderer: size " + std::to_string(width) + "x" + std::to_string(height) +
                    " is not supported; accepted: 16 to 7680 pixels per side");
    impl = std::make_unique<Impl>(width, height, std::move(style));
}

SpectrumRenderer::~SpectrumRenderer() = default;

int SpectrumRenderer::width() const
{
    return impl->image.getWidth();
}
int SpectrumRenderer::height() const
{
    return impl->image.getHeight();
}
void SpectrumRenderer::render(std::span<const float> levels)
{
    if (levels.empty())
        throw Error("spectrum renderer: no levels to draw (need at least one)");
    impl->render(levels);
}
std::span<const uint8_t> SpectrumRenderer::bgra() const
{
    return impl->bgra();
}
void SpectrumRenderer::copyRgb24(std::span<uint8_t> destination) const
{
    impl->copyRgb24(destination);
}
void SpectrumRenderer::savePng(const std::filesystem::path& file) const
{
    impl->savePng(file);
}

} // namespace capstan
