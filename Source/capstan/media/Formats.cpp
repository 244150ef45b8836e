#include "Formats.h"

#include "Error.h"

#include <array>
#include <charconv>
#include <climits>
#include <cmath>

extern "C"
{
#include <libavutil/imgutils.h>
#include <libavutil/pixfmt.h>
#include <libavutil/rational.h>
#include <libavutil/samplefmt.h>
}

namespace capstan
{
namespace
{
constexpr std::array<std::pair<SampleFormat, AVSampleFormat>, 12> sampleFormats{{
    {SampleFormat::u8, AV_SAMPLE_FMT_U8},
    {SampleFormat::s16, AV_SAMPLE_FMT_S16},
    {SampleFormat::s32, AV_SAMPLE_FMT_S32},
    {SampleFormat::s64, AV_SAMPLE_FMT_S64},
    {SampleFormat::flt, AV_SAMPLE_FMT_FLT},
    {SampleFormat::dbl, AV_SAMPLE_FMT_DBL},
    {SampleFormat::u8p, AV_SAMPLE_FMT_U8P},
    {SampleFormat::s16p, AV_SAMPLE_FMT_S16P},
    {SampleFormat::s32p, AV_SAMPLE_FMT_S32P},
    {SampleFormat::s64p, AV_SAMPLE_FMT_S64P},
    {SampleFormat::fltp, AV_SAMPLE_FMT_FLTP},
    {SampleFormat::dblp, AV_SAMPLE_FMT_DBLP},
}};

constexpr std::array<std::pair<PixelFormat, AVPixelFormat>, 9> pixelFormats{{
    {PixelFormat::gray8, AV_PIX_FMT_GRAY8},
    {PixelFormat::rgb24, AV_PIX_FMT_RGB24},
    {PixelFormat::bgr24, AV_PIX_FMT_BGR24},
    {PixelFormat::rgba, AV_PIX_FMT_RGBA},
    {PixelFormat::bgra, AV_PIX_FMT_BGRA},
    {PixelFormat::rgb0, AV_PIX_FMT_RGB0},
    {PixelFormat::yuv444p, AV_PIX_FMT_YUV444P},
    {PixelFormat::yuv420p, AV_PIX_FMT_YUV420P},
    {PixelFormat::nv12, AV_PIX_FMT_NV12},
}};

template <typename Table>
std::string acceptedNames(const Table& table)
{
    std::string names;
    for (const auto& [ours, theirs] : table)
        names += (names.empty() ? "" : ", ") + std::string(toString(ours));
    return names;
}
} // namespace

std::string_view toString(SampleFormat format)
{
    return av_get_sample_fmt_name(static_cast<AVSampleFormat>(toAVSampleFormat(format)));
}

std::string_view toString(PixelFormat format)
{
    // FFmpeg calls gray8 "gray"; we keep the name users (and torchaudio) write.
    if (format == PixelFormat::gray8)
        return "gray8";
    return av_get_pix_fmt_name(static_cast<AVPixelFormat>(toAVPixelFormat(format)));
}

SampleFormat parseSampleFormat(std::string_view name)
{
    for (const auto& [ours, theirs] : sampleFormats)
        if (toString(ours) == name)
            return ours;
    throw Error("unknown sample format '" + std::string(name) + "'; accepted: " + acceptedNames(sampleFormats));
}

PixelFormat parsePixelFormat(std::string_view name)
{
    if (name == "gray")
        return PixelFormat::gray8;
    for (const auto& [ours, theirs] : pixelFormats)
        if (toString(ours) == name)
            return ours;
    throw Error("unknown pixel format '" + std::string(name) + "'; accepted: " + acceptedNames(pixelFormats));
}

Rational parseRational(std::string_view text)
{
    const std::string s(text);
    const auto fail = [&]
    { return Error("invalid rate '" + s + "'; expected a positive number such as 30, 29.97 or 30000/1001"); };
    if (const auto slash = s.find('/'); slash != std::string::npos)
    {
        Rational r;
        const auto* end = s.data() + s.size();
        auto [p1, e1] = std::from_chars(s.data(), s.data() + slash, r.num);
        auto [p2, e2] = std::from_chars(s.data() + slash + 1, end, r.den);
        if (e1 == std::errc::result_out_of_range || e2 == std::errc::result_out_of_range)
            throw RangeError("rate '" + s + "' is out of range: numerator and denominator must each be 1 .. " +
                             std::to_string(INT_MAX));
        if (e1 != std::errc() || e2 != std::errc() || p1 != s.data() + slash || p2 != end || !r.isValid())
            throw fail();
        return r;
    }
    double value = 0;
    auto [p, e] = std::from_chars(s.data(), s.data() + s.size(), value);
    if (e != std::errc() || p != s.data() + s.size() || !(value > 0) || !std::isfinite(value))
        throw fail();
    // av_d2q turns what a 32-bit ratio cannot hold into 1/0 or 0/1: say so instead.
    if (value > INT_MAX || value < 1e-6)
        throw RangeError("rate '" + s + "' is out of range: accepted 0.000001 .. " + std::to_string(INT_MAX) +
                         " as a number, or an exact ratio such as 30000/1001");
    // 29.97 means NTSC's 30000/1001 in practice; av_d2q finds that exact ratio.
    if (std::abs(value - 29.97) < 1e-9)
        return {30000, 1001};
    if (std::abs(value - 59.94) < 1e-9)
        return {60000, 1001};
    if (std::abs(value - 23.976) < 1e-9)
        return {24000, 1001};
    const AVRational q = av_d2q(value, 1000000);
    return {q.num, q.den};
}

bool isPlanar(SampleFormat format)
{
    return static_cast<int>(format) >= static_cast<int>(SampleFormat::u8p);
}

int bytesPerSample(SampleFormat format)
{
    return av_get_bytes_per_sample(static_cast<AVSampleFormat>(toAVSampleFormat(format)));
}

SampleFormat toInterleaved(SampleFormat format)
{
    return toInterleavedConst(format);
}

SampleFormat toPlanar(SampleFormat format)
{
    return isPlanar(format) ? format : static_cast<SampleFormat>(static_cast<int>(format) + 6);
}

int toAVSampleFormat(SampleFormat format)
{
    return sampleFormats[static_cast<size_t>(format)].second;
}

int toAVPixelFormat(PixelFormat format)
{
    return pixelFormats[static_cast<size_t>(format)].second;
}

std::optional<SampleFormat> fromAVSampleFormat(int avFormat)
{
    for (const auto& [ours, theirs] : sampleFormats)
        if (theirs == avFormat)
            return ours;
    return std::nullopt;
}

std::optional<PixelFormat> fromAVPixelFormat(int avFormat)
{
    for (const auto& [ours, theirs] : pixelFormats)
        if (theirs == avFormat)
            return ours;
    return std::nullopt;
}

int64_t bytesPerFrame(PixelFormat format, int width, int height)
{
    return av_image_get_buffer_size(static_cast<AVPixelFormat>(toAVPixelFormat(format)), width, height, 1);
}

std::string_view sampleTypeName(SampleFormat format)
{
    switch (toInterleaved(format))
    {
    case SampleFormat::u8:
        return "uint8_t";
    case SampleFormat::s16:
        return "int16_t";
    case SampleFormat::s32:
        return "int32_t";
    case SampleFormat::s64:
        return "int64_t";
    case SampleFormat::flt:
        return "float";
    case SampleFormat::dbl:
        return "double";
    default:
        return "?";
    }
}

} // namespace capstan
