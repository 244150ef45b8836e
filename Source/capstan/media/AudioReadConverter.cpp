#include "AudioReadConverter.h"

#include "Error.h"

extern "C"
{
#include <libavutil/channel_layout.h>
#include <libavutil/samplefmt.h>
}

namespace capstan
{

AudioReadConverter::AudioReadConverter(std::string sourceIn, SampleFormat formatIn, int sampleRate, int numChannels)
    : source(std::move(sourceIn)), format(formatIn), requestedRate(sampleRate), requestedChannels(numChannels)
{
}

AudioReadConverter::~AudioReadConverter()
{
    av_channel_layout_uninit(&inLayout);
    av_channel_layout_uninit(&outLayout);
}

void AudioReadConverter::setUp(const AVFrame* f)
{
    if (swr)
        drain(); // parameters changed mid-stream: keep what the old converter still holds

    av_channel_layout_uninit(&inLayout);
    if (f->ch_layout.order == AV_CHANNEL_ORDER_UNSPEC)
        av_channel_layout_default(&inLayout, f->ch_layout.nb_channels);
    else
        checkFfmpeg(av_channel_layout_copy(&inLayout, &f->ch_layout), "channel layout");
    inRate = f->sample_rate;
    inFormat = f->format;

    const auto outFormat = static_cast<AVSampleFormat>(toAVSampleFormat(format));
    if (!fifo) // the output side is fixed by the first frame
    {
        outRate = requestedRate > 0 ? requestedRate : f->sample_rate;
        if (requestedChannels > 0 && requestedChannels != inLayout.nb_channels)
            av_channel_layout_default(&outLayout, requestedChannels);
        else
            checkFfmpeg(av_channel_layout_copy(&outLayout, &inLayout), "channel layout");
        fifo.reset(av_audio_fifo_alloc(outFormat, outLayout.nb_channels, 4096));
        if (!fifo)
            throw Error("out of memory reading '" + source + "'");
    }

    SwrContext* raw = nullptr;
    checkFfmpeg(swr_alloc_set_opts2(&raw, &outLayout, outFormat, outRate, &inLayout,
                                    static_cast<AVSampleFormat>(f->format), f->sample_rate, 0, nullptr),
                "cannot set up audio conversion for '" + source + "'");
    swr.reset(raw);
    checkFfmpeg(swr_init(swr.get()), "cannot set up audio conversion for '" + source + "'");
    passThrough =
        f->format == outFormat && f->sample_rate == outRate && av_channel_layout_compare(&inLayout, &outLayout) == 0;
}

void AudioReadConverter::push(const AVFrame* f)
{
    if (!swr || f->sample_rate != inRate || f->format != inFormat || f->ch_layout.nb_channels != inLayout.nb_channels)
        setUp(f);
    if (passThrough)
    {
        // Same format, rate and layout: straight into the FIFO, no conversion pass.
        if (av_audio_fifo_write(fifo.get(), reinterpret_cast<void**>(f->extended_data), f->nb_samples) < f->nb_samples)
            throw Error("out of memory buffering the audio of '" + source + "'");
        return;
    }
    resample(const_cast<const uint8_t**>(f->extended_data), f->nb_samples);
}

void AudioReadConverter::drain()
{
    if (swr)
        resample(nullptr, 0);
}

int64_t AudioReadConverter::available() const
{
    return fifo ? av_audio_fifo_size(fifo.get()) : 0;
}

void AudioReadConverter::read(void** planes, int numFrames)
{
    const int got = fifo ? av_audio_fifo_read(fifo.get(), planes, numFrames) : 0;
    if (got != numFrames)
        throw Error("internal: audio FIFO of '" + source + "' returned " + std::to_string(got) + " of " +
                    std::to_string(numFrames) + " samples");
}

void AudioReadConverter::resample(const uint8_t** in, int inFrames)
{
    const int capacity = swr_get_out_samples(swr.get(), inFrames);
    if (capacity <= 0)
        return;
    const auto outFormat = static_cast<AVSampleFormat>(toAVSampleFormat(format));
    const int channels = outLayout.nb_channels;
    const bool planar = av_sample_fmt_is_planar(outFormat);
    const size_t planeBytes = size_t(capacity) * size_t(av_get_bytes_per_sample(outFormat)) * (planar ? 1 : channels);
    scratch.resize(planar ? size_t(channels) : 1);
    std::vector<uint8_t*> out;
    for (auto& plane : scratch)
    {
        if (plane.size() < planeBytes)
            plane.resize(planeBytes);
        out.push_back(plane.data());
    }
    const int got = checkFfmpeg(swr_convert(swr.get(), out.data(), capacity, in, inFrames),
                                "cannot convert the audio of '" + source + "'");
    if (got > 0 && av_audio_fifo_write(fifo.get(), reinterpret_cast<void**>(out.data()), got) < got)
        throw Error("out of memory buffering the audio of '" + source + "'");
}

} // namespace capstan
