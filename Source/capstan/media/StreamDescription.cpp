#include "StreamDescription.h"

extern "C"
{
#include <libavcodec/avcodec.h>
#include <libavutil/pixdesc.h>
}

#include <algorithm>

namespace capstan
{

std::string describeLayout(const AVChannelLayout& layout)
{
    char buffer[128] = {};
    if (av_channel_layout_describe(&layout, buffer, sizeof(buffer)) < 0)
        return {};
    return buffer;
}

MediaStreamInfo describeStream(const AVFormatContext* input, int index)
{
    AVStream* st = input->streams[index];
    const AVCodecParameters* par = st->codecpar;
    MediaStreamInfo info;
    info.index = index;
    if (const AVCodec* codec = avcodec_find_decoder(par->codec_id))
        info.codec = codec->name;
    else
        info.codec = avcodec_get_name(par->codec_id);
    if (st->duration != AV_NOPTS_VALUE && st->duration > 0)
        info.duration = double(st->duration) * av_q2d(st->time_base);
    else if (input->duration != AV_NOPTS_VALUE && input->duration > 0)
        info.duration = double(input->duration) / AV_TIME_BASE;
    info.numFrames = std::max<int64_t>(0, st->nb_frames);

    if (par->codec_type == AVMEDIA_TYPE_AUDIO)
    {
        info.kind = MediaStreamInfo::Kind::audio;
        info.sampleRate = par->sample_rate;
        info.numChannels = par->ch_layout.nb_channels;
        // An unspecified order ("2 channels") names no layout: leave it empty rather than pass it on.
        if (par->ch_layout.order != AV_CHANNEL_ORDER_UNSPEC)
            info.channelLayout = describeLayout(par->ch_layout);
        if (const char* name = av_get_sample_fmt_name(static_cast<AVSampleFormat>(par->format)))
            info.sampleFormat = name;
        // 24-bit PCM and FLAC decode into 32-bit samples: the stream says how many bits are real.
        info.bitsPerSample = par->bits_per_raw_sample > 0 ? par->bits_per_raw_sample : 0;
    }
    else if (par->codec_type == AVMEDIA_TYPE_VIDEO)
    {
        info.kind = MediaStreamInfo::Kind::video;
        info.width = par->width;
        info.height = par->height;
        const AVRational rate = av_guess_frame_rate(const_cast<AVFormatContext*>(input), st, nullptr);
        info.frameRate = {rate.num, rate.den};
        if (const char* name = av_get_pix_fmt_name(static_cast<AVPixelFormat>(par->format)))
            info.pixelFormat = name;
    }
    return info;
}

} // namespace capstan
