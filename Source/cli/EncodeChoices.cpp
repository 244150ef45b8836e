#include "EncodeChoices.h"

extern "C"
{
#include <libavcodec/avcodec.h>
#include <libavdevice/avdevice.h>
#include <libavformat/avformat.h>
#include <libavutil/pixdesc.h>
}

#include <cmath>
#include <cstdio>

namespace capstan::cli
{

SampleFormat audioFormatFor(const MediaStreamInfo& info)
{
    for (int i = 0; i <= static_cast<int>(SampleFormat::dblp); ++i)
        if (toString(static_cast<SampleFormat>(i)) == info.sampleFormat)
            return static_cast<SampleFormat>(i);
    return SampleFormat::flt;
}

PixelFormat pixelFormatFor(const MediaStreamInfo& info)
{
    const AVPixelFormat native = av_get_pix_fmt(info.pixelFormat.c_str());
    if (auto ours = fromAVPixelFormat(native))
        return *ours;
    const AVPixFmtDescriptor* desc = av_pix_fmt_desc_get(native);
    if (desc == nullptr)
        return PixelFormat::yuv420p;
    if (desc->flags & AV_PIX_FMT_FLAG_ALPHA)
        return PixelFormat::rgba;
    if (desc->flags & AV_PIX_FMT_FLAG_RGB)
        return PixelFormat::rgb24;
    if (desc->nb_components == 1)
        return PixelFormat::gray8;
    return PixelFormat::yuv444p;
}

Options withAutoThreads(Options options)
{
    for (const auto& [key, value] : options)
        if (key == "threads")
            return options;
    options.emplace_back("threads", "auto");
    return options;
}

std::string withOptionNames(std::string message)
{
    static const std::pair<const char*, const char*> names[] = {{"encoderNumChannels", "--encoder-channels"},
                                                                {"encoderSampleRate", "--encoder-sample-rate"},
                                                                {"encoderFormat", "--encoder-format"},
                                                                {"encoderOptions", "--option"},
                                                                {"filterDesc", "--filter"},
                                                                {"encoderFrameRate", "--video-frame-rate"},
                                                                {"encoderWidth", "--video-size"},
                                                                {"encoderHeight", "--video-size"},
                                                                {"chunkFrames", "--chunk-frames"}};
    for (const auto& [field, option] : names)
        for (size_t at = message.find(field); at != std::string::npos; at = message.find(field, at))
            message.replace(at, std::string_view(field).size(), option);
    return message;
}

std::pair<bool, bool> muxerTakes(const std::string& output, const std::string& format)
{
    avdevice_register_all(); // device outputs (alsa, pulse...) are formats too; StreamWriter registers them later
    const AVOutputFormat* muxer =
        av_guess_format(format.empty() ? nullptr : format.c_str(), output == "-" ? nullptr : output.c_str(), nullptr);
    if (muxer == nullptr)
        return {true, true};
    // Muxers without a default codec of a kind (wav: no video; image2: no audio) cannot carry it. An audio muxer
    // whose video is a picture (mp3, flac: png) takes only cover art: a movie's video is left out, as ffmpeg does.
    const bool audio = muxer->audio_codec != AV_CODEC_ID_NONE;
    const bool coverArtOnly =
        audio && (muxer->video_codec == AV_CODEC_ID_PNG || muxer->video_codec == AV_CODEC_ID_MJPEG);
    return {audio, muxer->video_codec != AV_CODEC_ID_NONE && !coverArtOnly};
}

std::optional<int> fittingChannelCount(const std::string& encoderName, const std::string& output,
                                       const std::string& format, int channels)
{
    const AVCodec* codec = nullptr;
    if (!encoderName.empty())
        codec = avcodec_find_encoder_by_name(encoderName.c_str());
    else if (const AVOutputFormat* muxer = av_guess_format(format.empty() ? nullptr : format.c_str(),
                                                           output == "-" ? nullptr : output.c_str(), nullptr))
        codec = avcodec_find_encoder(muxer->audio_codec);
    if (codec == nullptr || codec->ch_layouts == nullptr)
        return std::nullopt;
    int below = 0, above = 0;
    bool stereo = false;
    for (const AVChannelLayout* l = codec->ch_layouts; l->nb_channels; ++l)
    {
        const int n = l->nb_channels;
        if (n == channels)
            return std::nullopt;
        stereo = stereo || n == 2;
        if (n < channels)
            below = std::max(below, n);
        else if (above == 0 || n < above)
            above = n;
    }
    if (channels > 2 && stereo)
        return 2; // what a surround source is listened to on when the encoder cannot keep it
    return below > 0 ? below : above > 0 ? std::optional<int>(above) : std::nullopt;
}

std::optional<double> cutLength(std::optional<double> duration, double start, std::optional<double> end)
{
    if (end)
        duration = duration ? std::min(*duration, *end) : *end;
    if (duration)
        duration = std::max(0.0, *duration - start);
    return duration;
}

namespace
{
/** " 192 kb/s" for a lossy codec; nothing for a lossless one, whose context carries FFmpeg's unused default. */
std::string bitRateText(const StreamInfo& written)
{
    const AVCodecDescriptor* descriptor = avcodec_descriptor_get_by_name(written.codec.c_str());
    if (written.bitRate <= 0 || descriptor == nullptr || !(descriptor->props & AV_CODEC_PROP_LOSSY))
        return {};
    return " " + std::to_string((written.bitRate + 500) / 1000) + " kb/s";
}
} // namespace

std::string describeChoice(const MediaStreamInfo& source, const StreamInfo& written, const ConversionsAsked& asked,
                           bool& converted)
{
    char text[256];
    std::string from, to, changes;
    const auto note = [&](const std::string& change, bool wasAsked)
    {
        changes += (changes.empty() ? "" : ", ") + change;
        converted = converted || !wasAsked;
    };
    if (written.isAudio)
    {
        const std::string sourceLayout = !source.channelLayout.empty() ? source.channelLayout
                                         : source.numChannels == 1     ? std::string("1 channel")
                                                                   : std::to_string(source.numChannels) + " channels";
        std::snprintf(text, sizeof(text), "%s %d Hz %s %s", source.codec.c_str(), source.sampleRate,
                      sourceLayout.c_str(), source.sampleFormat.c_str());
        from = text;
        if (source.bitsPerSample > 0)
            from += " (" + std::to_string(source.bitsPerSample) + " bit)";
        std::snprintf(text, sizeof(text), "%s %d Hz %s %s", written.encoder.c_str(), written.sampleRate,
                      written.channelLayout.c_str(), written.sampleFormat.c_str());
        to = text;
        to += bitRateText(written);
        if (written.sampleRate != source.sampleRate)
            note("resampled " + std::to_string(source.sampleRate) + " -> " + std::to_string(written.sampleRate) + " Hz",
                 asked.sampleRate);
        if (written.numChannels != source.numChannels)
            note(std::string(written.numChannels < source.numChannels ? "downmixed " : "upmixed ") + sourceLayout +
                     " -> " + written.channelLayout,
                 asked.channels);
        return "audio: " + from + " -> " + to + (changes.empty() ? "" : " (" + changes + ")");
    }
    std::snprintf(text, sizeof(text), "%s %dx%d %.4g fps %s", source.codec.c_str(), source.width, source.height,
                  source.frameRate.isValid() ? source.frameRate.toDouble() : 0.0, source.pixelFormat.c_str());
    from = text;
    std::snprintf(text, sizeof(text), "%s %dx%d %.4g fps %s", written.encoder.c_str(), written.width, written.height,
                  written.frameRate.isValid() ? written.frameRate.toDouble() : 0.0, written.pixelFormat.c_str());
    to = text;
    to += bitRateText(written);
    if (written.width != source.width || written.height != source.height)
        note("scaled", asked.size);
    if (source.frameRate.isValid() && written.frameRate.isValid() &&
        std::abs(source.frameRate.toDouble() - written.frameRate.toDouble()) > 1e-6)
        note("frame rate converted", asked.frameRate);
    return "video: " + from + " -> " + to + (changes.empty() ? "" : " (" + changes + ")");
}

} // namespace capstan::cli
