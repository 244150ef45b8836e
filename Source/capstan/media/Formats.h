#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>

namespace capstan
{

/** Input sample formats, each interleaved (`s16`) or planar (`s16p`), named as FFmpeg names them. */
enum class SampleFormat
{
    u8,
    s16,
    s32,
    s64,
    flt,
    dbl,
    u8p,
    s16p,
    s32p,
    s64p,
    fltp,
    dblp
};

/** Input pixel formats, named as FFmpeg names them. Frames are passed tightly packed: plane after plane, rows
    without padding (FFmpeg's `av_image_fill_arrays` with alignment 1). */
enum class PixelFormat
{
    gray8,
    rgb24,
    bgr24,
    rgba,
    bgra,
    rgb0,
    yuv444p,
    yuv420p,
    nv12
};

/** An exact rational number: sample rates, frame rates and time bases are never floats (29.97 is 30000/1001). */
struct Rational
{
    int num = 0;
    int den = 1;

    double toDouble() const { return den == 0 ? 0.0 : double(num) / double(den); }
    bool isValid() const { return num > 0 && den > 0; }
    friend bool operator==(const Rational&, const Rational&) = default;
};

std::string_view toString(SampleFormat format);
std::string_view toString(PixelFormat format);

/** Parses "s16", "fltp", ...; throws capstan::Error listing the accepted names otherwise. */
SampleFormat parseSampleFormat(std::string_view name);
/** Parses "rgb24", "yuv420p", ...; throws capstan::Error listing the accepted names otherwise. */
PixelFormat parsePixelFormat(std::string_view name);
/** Parses "30", "30000/1001" or "29.97" (decimal text is turned into an exact ratio). */
Rational parseRational(std::string_view text);

bool isPlanar(SampleFormat format);
/** Bytes per sample of one channel. */
int bytesPerSample(SampleFormat format);
/** The same sample type, interleaved or planar. */
SampleFormat toInterleaved(SampleFormat format);
SampleFormat toPlanar(SampleFormat format);

/** FFmpeg's enum values (AVSampleFormat / AVPixelFormat), as int to keep FFmpeg headers out of this one. */
int toAVSampleFormat(SampleFormat format);
int toAVPixelFormat(PixelFormat format);
std::optional<SampleFormat> fromAVSampleFormat(int avFormat);
std::optional<PixelFormat> fromAVPixelFormat(int avFormat);

/** Bytes of one tightly packed frame of this format and size. */
int64_t bytesPerFrame(PixelFormat format, int width, int height);

constexpr SampleFormat toInterleavedConst(SampleFormat format)
{
    const int index = static_cast<int>(format);
    return index >= static_cast<int>(SampleFormat::u8p) ? static_cast<SampleFormat>(index - 6) : format;
}

/** The C++ element type that carries samples of a format (uint8_t, int16_t, int32_t, int64_t, float, double). */
template <typename T>
constexpr bool sampleTypeMatches(SampleFormat format)
{
    switch (toInterleavedConst(format))
    {
    case SampleFormat::u8:
        return std::is_same_v<T, uint8_t>;
    case SampleFormat::s16:
        return std::is_same_v<T, int16_t>;
    case SampleFormat::s32:
        return std::is_same_v<T, int32_t>;
    case SampleFormat::s64:
        return std::is_same_v<T, int64_t>;
    case SampleFormat::flt:
        return std::is_same_v<T, float>;
    case SampleFormat::dbl:
        return std::is_same_v<T, double>;
    default:
        return false;
    }
}

/** The name of the C++ element type that carries samples of this format, for error messages. */
std::string_view sampleTypeName(SampleFormat format);

} // namespace capstan
