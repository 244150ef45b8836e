#include "VideoOutputStream.h"

#include "Error.h"
#include "Limits.h"

#include <cmath>

extern "C"
{
#include <libavfilter/buffersink.h>
#include <libavutil/imgutils.h>
#include <libavutil/opt.h>
#include <libavutil/pixdesc.h>
}

namespace capstan
{
namespace
{
/** A converter that cuts each picture into horizontal slices on FFmpeg's automatic thread count, as the ffmpeg CLI's
    scale filter does (its output does not depend on the slicing: checked bit-exact for 1, 2 and 3 threads). A 720p
    rgb24 to yuv420p conversion with these flags is about a tenth of the work of libx264 veryfast; on one thread it is
    a serial stage in front of the encoder's threads. Null when FFmpeg cannot convert between the two. */
SwsContext* makeScaler(int srcWidth, int srcHeight, AVPixelFormat srcFormat, int dstWidth, int dstHeight,
                       AVPixelFormat dstFormat)
{
    ffmpeg::SwsPtr scaler(sws_alloc_context());
    if (!scaler)
        return nullptr;
    const bool set =
        av_opt_set_int(scaler.get(), "srcw", srcWidth, 0) >= 0 &&
        av_opt_set_int(scaler.get(), "srch", srcHeight, 0) >= 0 &&
        av_opt_set_int(scaler.get(), "src_format", srcFormat, 0) >= 0 &&
        av_opt_set_int(scaler.get(), "dstw", dstWidth, 0) >= 0 &&
        av_opt_set_int(scaler.get(), "dsth", dstHeight, 0) >= 0 &&
        av_opt_set_int(scaler.get(), "dst_format", dstFormat, 0) >= 0 &&
        av_opt_set_int(scaler.get(), "sws_flags", SWS_BICUBIC | SWS_ACCURATE_RND | SWS_FULL_CHR_H_INT, 0) >= 0 &&
        av_opt_set_int(scaler.get(), "threads", 0, 0) >= 0; // 0: one slice per CPU
    if (!set || sws_init_context(scaler.get(), nullptr, nullptr) < 0)
        return nullptr;
    return scaler.release();
}

constexpr int maxDimension = limits::maxVideoDimension;

std::string sizeText(int w, int h)
{
    return std::to_string(w) + "x" + std::to_string(h);
}

std::string rateText(Rational rate)
{
    return std::to_string(rate.num) + "/" + std::to_string(rate.den);
}

/** A frame rate must be an exact positive ratio within limits::minFrameRate .. maxFrameRate. */
void checkFrameRate(Rational rate, const char* what)
{
    const std::string accepted = std::string(": accepted ") + rateText(limits::minFrameRate) +
                                 " (one frame an hour) .. " + std::to_string(limits::maxFrameRate) +
                                 " fps, as a ratio such as 30/1 or 30000/1001";
    if (!rate.isValid())
        throw RangeError(std::string(what) + " must be a positive ratio, got " + rateText(rate) + accepted);
    // Compared as exact ratios in 64 bits: num/den < min  <=>  num * min.den < min.num * den.
    const int64_t num = rate.num, den = rate.den;
    if (num * limits::minFrameRate.den < int64_t(limits::minFrameRate.num) * den ||
        num > int64_t(limits::maxFrameRate) * den)
        throw RangeError(std::string(what) + " " + rateText(rate) + " (" + std::to_string(rate.toDouble()) +
                         " fps) is out of range" + accepted);
}

bool supportsFormat(const AVCodec* codec, AVPixelFormat format)
{
    if (!codec->pix_fmts)
        return true;
    for (const AVPixelFormat* f = codec->pix_fmts; *f != AV_PIX_FMT_NONE; ++f)
        if (*f == format)
            return true;
    return false;
}

std::string pixelFormatList(const AVCodec* codec)
{
    std::string list;
    for (const AVPixelFormat* f = codec->pix_fmts; f && *f != AV_PIX_FMT_NONE; ++f)
        list += (list.empty() ? "" : ", ") + std::string(av_get_pix_fmt_name(*f));
    return list;
}

/** Chroma-subsampled formats need sizes divisible by the subsampling factor. */
void checkSubsampling(AVPixelFormat format, int width, int height, const std::string& what, const std::string& hint)
{
    int log2w = 0, log2h = 0;
    av_pix_fmt_get_chroma_sub_sample(format, &log2w, &log2h);
    if (width % (1 << log2w) != 0 || height % (1 << log2h) != 0)
        throw Error(what + " " + av_get_pix_fmt_name(format) + " needs a width divisible by " +
                    std::to_string(1 << log2w) + " and a height divisible by " + std::to_string(1 << log2h) + ", got " +
                    sizeText(width, height) + hint);
}

AVRational pixelAspect(const VideoStreamConfig& config)
{
    return config.squarePixels ? AVRational{1, 1} : AVRational{0, 1};
}
} // namespace

VideoOutputStream::VideoOutputStream(AVFormatContext* format, const std::string& destination,
                                     const VideoStreamConfig& config)
    : settings(config), inputFrame(ffmpeg::allocFrame()), filteredFrame(ffmpeg::allocFrame()),
      encoderFrame(ffmpeg::allocFrame())
{
    checkFrameRate(config.frameRate, "video frame rate");
    if (config.width <= 0 || config.height <= 0 || config.width > maxDimension || config.height > maxDimension)
        throw RangeError("video size " + sizeText(config.width, config.height) + " is out of range: accepted 1x1 .. " +
                         sizeText(maxDimension, maxDimension));
    if (config.encoderWidth < 0 || config.encoderHeight < 0 || config.encoderWidth > maxDimension ||
        config.encoderHeight > maxDimension)
        throw RangeError("encoder size " + sizeText(config.encoderWidth, config.encoderHeight) +
                         " is out of range: accepted 1x1 .. " + sizeText(maxDimension, maxDimension) +
                         " (or 0 to keep the input's)");
    const auto inputFormat = static_cast<AVPixelFormat>(toAVPixelFormat(config.format));
    checkSubsampling(inputFormat, config.width, config.height, "input pixel format", "");
    frameBytes = bytesPerFrame(config.format, config.width, config.height);

    encoderRate = config.encoderFrameRate.num == 0 ? config.frameRate : config.encoderFrameRate;
    checkFrameRate(encoderRate, "encoder frame rate");

    AVPixelFormat converterFormat = inputFormat;
    converterWidth = config.width;
    converterHeight = config.height;
    const bool convertRate = !(encoderRate == config.frameRate);
    if (!config.filterDesc.empty() || convertRate)
    {
        std::string desc = config.filterDesc;
        if (convertRate)
            desc += (desc.empty() ? "" : ",") + std::string("fps=") + std::to_string(encoderRate.num) + "/" +
                    std::to_string(encoderRate.den);
        filter = std::make_unique<FilterGraph>(
            desc, FilterGraph::VideoInput{inputFormat, config.width, config.height,
                                          AVRational{config.frameRate.den, config.frameRate.num},
                                          AVRational{config.frameRate.num, config.frameRate.den}, pixelAspect(config)});
        converterFormat = static_cast<AVPixelFormat>(av_buffersink_get_format(filter->sink()));
        converterWidth = av_buffersink_get_w(filter->sink());
        converterHeight = av_buffersink_get_h(filter->sink());
    }

    const AVCodec* codec = Encoder::find(config.encoder, AVMEDIA_TYPE_VIDEO, format->oformat, destination);
    encoder = std::make_unique<Encoder>(format, codec);
    AVCodecContext* context = encoder->context();

    AVPixelFormat encoderFormat = AV_PIX_FMT_NONE;
    if (!config.encoderFormat.empty())
    {
        encoderFormat = av_get_pix_fmt(config.encoderFormat.c_str());
        if (encoderFormat == AV_PIX_FMT_NONE)
            throw Error("unknown encoder pixel format '" + config.encoderFormat +
                        "'; use an FFmpeg name such as yuv420p, yuv422p, yuv444p, nv12, rgb24");
        if (!supportsFormat(codec, encoderFormat))
            throw Error("encoder '" + std::string(codec->name) + "' cannot take pixel format '" + config.encoderFormat +
                        "'; it accepts: " + pixelFormatList(codec));
    }
    else
        encoderFormat = supportsFormat(codec, converterFormat) ? converterFormat : codec->pix_fmts[0];

    const int width = config.encoderWidth > 0 ? config.encoderWidth : converterWidth;
    const int height = config.encoderHeight > 0 ? config.encoderHeight : converterHeight;
    if (width > maxDimension || height > maxDimension)
        throw RangeError("the filter '" + config.filterDesc + "' makes " + sizeText(width, height) +
                         " frames, out of range: accepted 1x1 .. " + sizeText(maxDimension, maxDimension));
    checkSubsampling(encoderFormat, width, height, "encoder pixel format",
                     "; set encoderWidth/encoderHeight or another encoderFormat");

    context->pix_fmt = encoderFormat;
    context->width = width;
    context->height = height;
    context->time_base = AVRational{encoderRate.den, encoderRate.num};
    context->framerate = AVRational{encoderRate.num, encoderRate.den};
    context->sample_aspect_ratio = pixelAspect(config);
    encoder->applyConfig(config.codecConfig);
    encoder->open(config.encoderOptions, config.metadata);

    if (converterFormat != encoderFormat || converterWidth != width || converterHeight != height)
    {
        scaler.reset(makeScaler(converterWidth, converterHeight, converterFormat, width, height, encoderFormat));
        if (!scaler)
            throw Error(std::string("cannot convert ") + av_get_pix_fmt_name(converterFormat) + " " +
                        sizeText(converterWidth, converterHeight) + " to " + av_get_pix_fmt_name(encoderFormat) + " " +
                        sizeText(width, height));
    }
    // Frames reach the encoder only from this buffer, whose padding is zeroed: see allocZeroedBuffers.
    encoderFrame->format = encoderFormat;
    encoderFrame->width = width;
    encoderFrame->height = height;
    ffmpeg::allocZeroedBuffers(encoderFrame.get());
}

int64_t VideoOutputStream::countFrames(std::span<const uint8_t> frames) const
{
    if (frames.size() % static_cast<size_t>(frameBytes) != 0)
        throw Error("video chunk of " + std::to_string(frames.size()) + " bytes is not a whole number of " +
                    sizeText(settings.width, settings.height) + " " + std::string(toString(settings.format)) +
                    " frames (" + std::to_string(frameBytes) + " bytes each)");
    return static_cast<int64_t>(frames.size()) / frameBytes;
}

int64_t VideoOutputStream::toFrameUnits(double seconds, const char* what) const
{
    if (!std::isfinite(seconds) || seconds < 0 || seconds > limits::maxVideoPtsSeconds)
        throw RangeError(std::string(what) + " " + std::to_string(seconds) +
                         " s is out of range: accepted 0 .. 1e9 s (finite, about 31 years)");
    const int64_t units = std::llround(seconds * settings.frameRate.num / settings.frameRate.den);
    if (units < nextPts)
        throw Error(std::string(what) + " " + std::to_string(seconds) + " s is not after the previous frame (next " +
                    "free time " + std::to_string(double(nextPts) * settings.frameRate.den / settings.frameRate.num) +
                    " s); video pts must increase");
    return units;
}

void VideoOutputStream::write(std::span<const uint8_t> frames, std::optional<double> pts)
{
    const int64_t count = countFrames(frames);
    int64_t first = pts ? toFrameUnits(*pts, "video pts") : nextPts;
    for (int64_t i = 0; i < count; ++i)
        encodeFrame(frames.data() + i * frameBytes, first + i);
}

void VideoOutputStream::write(std::span<const uint8_t> frames, std::span<const double> framePts)
{
    const int64_t count = countFrames(frames);
    if (static_cast<int64_t>(framePts.size()) != count)
        throw Error("video chunk holds " + std::to_string(count) + " frames but " + std::to_string(framePts.size()) +
                    " pts were given; pass one pts per frame");
    for (int64_t i = 0; i < count; ++i)
        encodeFrame(frames.data() + i * frameBytes, toFrameUnits(framePts[static_cast<size_t>(i)], "video frame pts"));
}

void VideoOutputStream::encodeFrame(const uint8_t* data, int64_t pts)
{
    const auto format = static_cast<AVPixelFormat>(toAVPixelFormat(settings.format));
    av_frame_unref(inputFrame.get());
    inputFrame->format = format;
    inputFrame->width = settings.width;
    inputFrame->height = settings.height;
    inputFrame->pts = pts;
    inputFrame->sample_aspect_ratio = pixelAspect(settings);
    // The caller's memory is only read: FFmpeg copies frames that are not reference counted.
    av_image_fill_arrays(inputFrame->data, inputFrame->linesize, data, format, settings.width, settings.height, 1);
    nextPts = pts + 1;

    if (!filter)
    {
        convertAndEncode(inputFrame.get());
        return;
    }
    filter->push(inputFrame.get());
    av_frame_unref(inputFrame.get());
    while (filter->pull(filteredFrame.get()))
    {
        filteredFrame->pts = av_rescale_q(filteredFrame->pts, filter->outputTimeBase(), encoder->context()->time_base);
        convertAndEncode(filteredFrame.get());
    }
}

void VideoOutputStream::convertAndEncode(AVFrame* frame)
{
    ffmpeg::makeWritableZeroed(encoderFrame.get());
    if (scaler)
    {
        // sws_scale_frame() takes a reference to its source, and would copy a frame that has none (the caller's
        // memory): lend it that memory as a buffer it does not own, for this call only.
        const bool borrowed = frame->buf[0] == nullptr;
        if (borrowed)
        {
            frame->buf[0] = av_buffer_create(
                frame->data[0], size_t(frameBytes), [](void*, uint8_t*) {}, nullptr, AV_BUFFER_FLAG_READONLY);
            if (frame->buf[0] == nullptr)
                throw Error("out of memory converting a video frame");
        }
        const int result = sws_scale_frame(scaler.get(), encoderFrame.get(), frame);
        if (borrowed)
            av_buffer_unref(&frame->buf[0]);
        checkFfmpeg(result, "cannot convert a video frame");
    }
    else
        av_image_copy(encoderFrame->data, encoderFrame->linesize, const_cast<const uint8_t**>(frame->data),
                      frame->linesize, static_cast<AVPixelFormat>(frame->format), frame->width, frame->height);
    encoderFrame->pts = frame->pts;
    encoderFrame->pict_type = AV_PICTURE_TYPE_NONE; // let the encoder choose key frames from its GOP settings
    encoder->encode(encoderFrame.get());
}

void VideoOutputStream::finish()
{
    if (filter)
    {
        filter->push(nullptr);
        while (filter->pull(filteredFrame.get()))
        {
            filteredFrame->pts =
                av_rescale_q(filteredFrame->pts, filter->outputTimeBase(), encoder->context()->time_base);
            convertAndEncode(filteredFrame.get());
        }
    }
    encoder->encode(nullptr);
}

StreamInfo VideoOutputStream::info() const
{
    const AVCodecContext* c = encoder->context();
    StreamInfo info;
    info.isAudio = false;
    info.encoder = c->codec->name;
    info.codec = avcodec_get_name(c->codec_id);
    info.bitRate = c->bit_rate;
    info.timeBase = {c->time_base.num, c->time_base.den};
    info.width = c->width;
    info.height = c->height;
    info.pixelFormat = av_get_pix_fmt_name(c->pix_fmt);
    info.frameRate = encoderRate;
    return info;
}

} // namespace capstan
