#include "PreviewFrame.h"

#include <capstan/media/Error.h>

extern "C"
{
#include <libavutil/imgutils.h>
#include <libswscale/swscale.h>
}

namespace capstan
{

PreviewFrame::PreviewFrame(PixelFormat format_, int width_, int height_)
    : format(format_), frameWidth(width_), frameHeight(height_)
{
}

PreviewFrame::~PreviewFrame()
{
    sws_freeContext(scaler);
}

void PreviewFrame::setEnabled(bool enabled)
{
    std::lock_guard lock(mutex);
    wanted = enabled;
}

bool PreviewFrame::enabled() const
{
    std::lock_guard lock(mutex);
    return wanted;
}

void PreviewFrame::offer(std::span<const uint8_t> frame)
{
    std::lock_guard lock(mutex);
    if (!wanted)
        return;
    latest.assign(frame.begin(), frame.end()); // same size every time: no allocation after the first
    ++latestSequence;
}

bool PreviewFrame::take(std::vector<uint8_t>& bgra, int outWidth, int outHeight, int64_t& sequence)
{
    if (outWidth <= 0 || outHeight <= 0)
        return false;
    std::lock_guard lock(mutex);
    if (latest.empty() || latestSequence == sequence)
        return false;
    const auto source = static_cast<AVPixelFormat>(toAVPixelFormat(format));
    scaler = sws_getCachedContext(scaler, frameWidth, frameHeight, source, outWidth, outHeight, AV_PIX_FMT_BGRA,
                                  SWS_BILINEAR, nullptr, nullptr, nullptr);
    if (scaler == nullptr)
        throw Error("preview: cannot convert " + std::string(toString(format)) + " to bgra");
    uint8_t* srcData[4] = {};
    int srcLines[4] = {};
    av_image_fill_arrays(srcData, srcLines, latest.data(), source, frameWidth, frameHeight, 1);
    bgra.resize(size_t(outWidth) * size_t(outHeight) * 4);
    uint8_t* dstData[4] = {bgra.data()};
    int dstLines[4] = {outWidth * 4};
    sws_scale(scaler, srcData, srcLines, 0, frameHeight, dstData, dstLines);
    sequence = latestSequence;
    return true;
}

} // namespace capstan
