#include "AudioOutputStream.h"

#include "Error.h"
#include "Limits.h"

#include <algorithm>
#include <cmath>

extern "C"
{
#include <libavfilter/buffersink.h>
#include <libavutil/channel_layout.h>
#include <libavutil/opt.h>
#include <libavutil/samplefmt.h>
}

namespace capstan
{
namespace
{
constexpr int maxChannels = limits::maxAudioChannels;
constexpr int maxSampleRate = limits::maxSampleRate;
constexpr double maxPtsGapSeconds = limits::maxAudioPtsGapSeconds;
constexpr int fallbackFrameSize = 1024; // for encoders without a fixed frame size (PCM): fixed, so packets are too
constexpr int64_t maxFramesPerStep = 1 << 16;

std::string layoutName(const AVChannelLayout& layout)
{
    char name[128] = {};
    av_channel_layout_describe(&layout, name, sizeof(name));
    return name;
}

std::string sampleFormatList(const AVCodec* codec)
{
    std::string list;
    for (const AVSampleFormat* f = codec->sample_fmts; f && *f != AV_SAMPLE_FMT_NONE; ++f)
        list += (list.empty() ? "" : ", ") + std::string(av_get_sample_fmt_name(*f));
    return list;
}

bool supportsFormat(const AVCodec* codec, AVSampleFormat format)
{
    if (!codec->sample_fmts)
        return true;
    for (const AVSampleFormat* f = codec->sample_fmts; *f != AV_SAMPLE_FMT_NONE; ++f)
        if (*f == format)
            return true;
    return false;
}

/** The encoder's format that keeps the input's precision with the fewest bytes (float into FLAC: s32, i.e.
    24-bit, not s16); the widest it has when none is wide enough. */
AVSampleFormat widestEnough(const AVCodec* codec, AVSampleFormat input)
{
    const int wanted = av_get_bytes_per_sample(input);
    AVSampleFormat best = codec->sample_fmts[0], widest = codec->sample_fmts[0];
    int bestBytes = 1 << 30;
    for (const AVSampleFormat* f = codec->sample_fmts; *f != AV_SAMPLE_FMT_NONE; ++f)
    {
        const int bytes = av_get_bytes_per_sample(*f);
        if (bytes >= wanted && bytes < bestBytes)
        {
            best = *f;
            bestBytes = bytes;
        }
        if (bytes > av_get_bytes_per_sample(widest))
            widest = *f;
    }
    return bestBytes < (1 << 30) ? best : widest;
}

/** The PCM codec that stores `format` without loss, in the byte order of the container's default PCM codec. */
AVCodecID losslessPcmFor(AVSampleFormat format, AVCodecID containerDefault)
{
    const bool bigEndian = std::string(avcodec_get_name(containerDefault)).ends_with("be");
    switch (av_get_packed_sample_fmt(format))
    {
    case AV_SAMPLE_FMT_U8:
        return AV_CODEC_ID_PCM_U8;
    case AV_SAMPLE_FMT_S16:
        return bigEndian ? AV_CODEC_ID_PCM_S16BE : AV_CODEC_ID_PCM_S16LE;
    case AV_SAMPLE_FMT_S32:
        return bigEndian ? AV_CODEC_ID_PCM_S32BE : AV_CODEC_ID_PCM_S32LE;
    case AV_SAMPLE_FMT_S64:
        return bigEndian ? AV_CODEC_ID_PCM_S64BE : AV_CODEC_ID_PCM_S64LE;
    case AV_SAMPLE_FMT_FLT:
        return bigEndian ? AV_CODEC_ID_PCM_F32BE : AV_CODEC_ID_PCM_F32LE;
    case AV_SAMPLE_FMT_DBL:
        return bigEndian ? AV_CODEC_ID_PCM_F64BE : AV_CODEC_ID_PCM_F64LE;
    default:
        return containerDefault;
    }
}

bool isPcm(AVCodecID id)
{
    return std::string(avcodec_get_name(id)).starts_with("pcm_");
}

/** Muxers whose file is the packets' data back to back, whatever the packet boundaries. */
bool storesSamplesBackToBack(const AVOutputFormat* format)
{
    const std::string name = format->name;
    return name == "wav" || name == "w64" || name == "aiff" || name == "au";
}
} // namespace

AudioOutputStream::AudioOutputStream(AVFormatContext* format, const std::string& destination,
                                     const AudioStreamConfig& config)
    : settings(config), inputFrame(ffmpeg::allocFrame()), filteredFrame(ffmpeg::allocFrame()),
      encoderFrame(ffmpeg::allocFrame())
{
    try
    {
        configure(format, destination, config);
    }
    catch (...)
    {
        // The destructor does not run for a constructor that throws: free what the members hold.
        av_channel_layout_uninit(&inputLayout);
        av_channel_layout_uninit(&converterInputLayout);
        throw;
    }
}

void AudioOutputStream::configure(AVFormatContext* format, const std::string& destination,
                                  const AudioStreamConfig& config)
{
    if (config.sampleRate < limits::minSampleRate || config.sampleRate > maxSampleRate)
        throw RangeError("audio sample rate must be between " + std::to_string(limits::minSampleRate) + " and " +
                         std::to_string(maxSampleRate) + " Hz, got " + std::to_string(config.sampleRate));
    if (config.numChannels <= 0 || config.numChannels > maxChannels)
        throw RangeError("audio channel count must be between 1 and " + std::to_string(maxChannels) + ", got " +
                         std::to_string(config.numChannels));
    if (config.encoderSampleRate < 0 ||
        (config.encoderSampleRate > 0 && config.encoderSampleRate < limits::minSampleRate) ||
        config.encoderSampleRate > maxSampleRate)
        throw RangeError("encoderSampleRate must be between " + std::to_string(limits::minSampleRate) + " and " +
                         std::to_string(maxSampleRate) + " Hz (or 0 for the input's rate), got " +
                         std::to_string(config.encoderSampleRate));
    if (config.encoderNumChannels < 0 || config.encoderNumChannels > maxChannels)
        throw RangeError("encoderNumChannels must be between 1 and " + std::to_string(maxChannels) +
                         " (or 0 for the input's count), got " + std::to_string(config.encoderNumChannels));

    if (config.channelLayout.empty())
        av_channel_layout_default(&inputLayout, config.numChannels);
    else
    {
        if (av_channel_layout_from_string(&inputLayout, config.channelLayout.c_str()) < 0)
            throw Error("unknown channel layout '" + config.channelLayout +
                        "'; use FFmpeg's names such as mono, stereo, 2.1, quad, 5.1, 7.1");
        if (inputLayout.nb_channels != config.numChannels)
            throw Error("channel layout '" + config.channelLayout + "' has " + std::to_string(inputLayout.nb_channels) +
                        " channels but numChannels is " + std::to_string(config.numChannels));
        // "2 channels" (an unnamed layout, as plain WAV files have) means the usual layout for that count:
        // encoders such as aac refuse unnamed ones.
        if (inputLayout.order == AV_CHANNEL_ORDER_UNSPEC)
        {
            av_channel_layout_uninit(&inputLayout);
            av_channel_layout_default(&inputLayout, config.numChannels);
        }
    }

    const auto inputFormat = static_cast<AVSampleFormat>(toAVSampleFormat(config.format));
    converterInputFormat = inputFormat;
    converterInputRate = config.sampleRate;
    av_channel_layout_copy(&converterInputLayout, &inputLayout);

    if (!config.filterDesc.empty())
    {
        filter = std::make_unique<FilterGraph>(config.filterDesc,
                                               FilterGraph::AudioInput{inputFormat, config.sampleRate, inputLayout});
        converterInputFormat = static_cast<AVSampleFormat>(av_buffersink_get_format(filter->sink()));
        converterInputRate = av_buffersink_get_sample_rate(filter->sink());
        av_channel_layout_uninit(&converterInputLayout);
        checkFfmpeg(av_buffersink_get_ch_layout(filter->sink(), &converterInputLayout),
                    "cannot read the filter graph's channel layout");
    }

    const AVCodec* codec = Encoder::find(config.encoder, AVMEDIA_TYPE_AUDIO, format->oformat, destination);
    if (config.encoder.empty() && isPcm(codec->id))
    {
        // A container whose default is PCM (wav, aiff, caf...) stores the caller's samples without loss, in 24 bits
        // when that is all they hold (a 24-bit source decoded into s32), else in their own width.
        const AVCodecID lossless = losslessPcmFor(converterInputFormat, codec->id);
        std::vector<AVCodecID> candidates;
        if (config.bitsPerSample == 24 && !filter &&
            av_get_packed_sample_fmt(converterInputFormat) == AV_SAMPLE_FMT_S32)
            candidates.push_back(lossless == AV_CODEC_ID_PCM_S32BE ? AV_CODEC_ID_PCM_S24BE : AV_CODEC_ID_PCM_S24LE);
        candidates.push_back(lossless);
        for (const AVCodecID id : candidates)
            if (const AVCodec* pcm = avcodec_find_encoder(id);
                pcm && avformat_query_codec(format->oformat, id, FF_COMPLIANCE_NORMAL) == 1)
            {
                codec = pcm;
                break;
            }
    }
    encoder = std::make_unique<Encoder>(format, codec);
    AVCodecContext* context = encoder->context();

    // Sample format: the one asked for, else the input's, else its planar/interleaved twin, else the encoder's first.
    AVSampleFormat encoderFormat = AV_SAMPLE_FMT_NONE;
    if (!config.encoderFormat.empty())
    {
        encoderFormat = av_get_sample_fmt(config.encoderFormat.c_str());
        if (encoderFormat == AV_SAMPLE_FMT_NONE)
            throw Error("unknown encoder sample format '" + config.encoderFormat +
                        "'; accepted: u8, s16, s32, s64, flt, dbl and their planar forms (u8p, s16p, ...)");
        if (!supportsFormat(codec, encoderFormat))
            throw Error("encoder '" + std::string(codec->name) + "' cannot take sample format '" +
                        config.encoderFormat + "'; it accepts: " + sampleFormatList(codec));
    }
    else if (supportsFormat(codec, converterInputFormat))
        encoderFormat = converterInputFormat;
    else if (const AVSampleFormat twin = av_sample_fmt_is_planar(converterInputFormat)
                                             ? av_get_packed_sample_fmt(converterInputFormat)
                                             : av_get_planar_sample_fmt(converterInputFormat);
             supportsFormat(codec, twin))
        encoderFormat = twin;
    else
        encoderFormat = widestEnough(codec, converterInputFormat);

    // Sample rate: the one asked for or the input's; when the encoder cannot take it, the nearest higher it can.
    int rate = config.encoderSampleRate > 0 ? config.encoderSampleRate : converterInputRate;
    if (codec->supported_samplerates)
    {
        std::vector<int> rates;
        for (const int* r = codec->supported_samplerates; *r; ++r)
            rates.push_back(*r);
        if (std::find(rates.begin(), rates.end(), rate) == rates.end())
        {
            if (config.encoderSampleRate > 0)
            {
                std::string list;
                for (int r : rates)
                    list += (list.empty() ? "" : ", ") + std::to_string(r);
                throw Error("encoder '" + std::string(codec->name) + "' cannot take sample rate " +
                            std::to_string(rate) + "; it accepts: " + list);
            }
            std::sort(rates.begin(), rates.end());
            const auto higher = std::lower_bound(rates.begin(), rates.end(), rate);
            rate = higher != rates.end() ? *higher : rates.back();
        }
    }

    // Channel layout: the input's when the count is kept, FFmpeg's default for a new count; checked against the
    // encoder's list where it has one.
    AVChannelLayout encoderLayout{};
    const int channels = config.encoderNumChannels > 0 ? config.encoderNumChannels : converterInputLayout.nb_channels;
    if (channels == converterInputLayout.nb_channels)
        av_channel_layout_copy(&encoderLayout, &converterInputLayout);
    else
        av_channel_layout_default(&encoderLayout, channels);
    if (codec->ch_layouts)
    {
        const AVChannelLayout* sameCount = nullptr;
        bool exact = false;
        std::string list;
        for (const AVChannelLayout* l = codec->ch_layouts; l->nb_channels; ++l)
        {
            exact = exact || av_channel_layout_compare(l, &encoderLayout) == 0;
            if (!sameCount && l->nb_channels == channels)
                sameCount = l;
            list += (list.empty() ? "" : ", ") + layoutName(*l);
        }
        if (!exact && !sameCount)
        {
            av_channel_layout_uninit(&encoderLayout);
            throw Error("encoder '" + std::string(codec->name) + "' cannot take " + std::to_string(channels) +
                        " channels; it accepts: " + list + " (set encoderNumChannels to remix)");
        }
        if (!exact)
        {
            av_channel_layout_uninit(&encoderLayout);
            av_channel_layout_copy(&encoderLayout, sameCount);
        }
    }

    context->sample_fmt = encoderFormat;
    context->sample_rate = rate;
    av_channel_layout_copy(&context->ch_layout, &encoderLayout);
    av_channel_layout_uninit(&encoderLayout);
    context->time_base = AVRational{1, rate};
    encoder->applyConfig(config.codecConfig);
    encoder->open(config.encoderOptions, config.metadata);

    frameSize = context->frame_size > 0 ? context->frame_size : fallbackFrameSize;

    if (converterInputFormat != encoderFormat || converterInputRate != rate ||
        av_channel_layout_compare(&converterInputLayout, &context->ch_layout) != 0)
    {
        SwrContext* swr = nullptr;
        checkFfmpeg(swr_alloc_set_opts2(&swr, &context->ch_layout, encoderFormat, rate, &converterInputLayout,
                                        converterInputFormat, converterInputRate, 0, nullptr),
                    "cannot set up the audio converter");
        resampler.reset(swr);
        checkFfmpeg(swr_init(swr), "cannot convert " + layoutName(converterInputLayout) + " " +
                                       av_get_sample_fmt_name(converterInputFormat) + " at " +
                                       std::to_string(converterInputRate) + " Hz to what encoder '" + codec->name +
                                       "' takes");
    }

    fifo.reset(av_audio_fifo_alloc(encoderFormat, context->ch_layout.nb_channels, frameSize * 2));
    if (!fifo)
        throw Error("out of memory allocating the audio FIFO");

    // Float PCM stores any finite value as it is; every other encoder gets at most +-encoderLimit.
    const bool floatPcm = isPcm(codec->id) && (av_get_packed_sample_fmt(encoderFormat) == AV_SAMPLE_FMT_FLT ||
                                               av_get_packed_sample_fmt(encoderFormat) == AV_SAMPLE_FMT_DBL);
    const double limit = floatPcm ? SampleRepair::noLimit : SampleRepair::encoderLimit;
    entryRepair.emplace(limit, config.sampleRate, config.sampleRate);
    if (filter)
        filterRepair.emplace(limit, config.sampleRate, converterInputRate);
    encoderRepair.emplace(limit, config.sampleRate, rate);

    encoderFrame->format = encoderFormat;
    encoderFrame->sample_rate = rate;
    encoderFrame->nb_samples = frameSize;
    av_channel_layout_copy(&encoderFrame->ch_layout, &context->ch_layout);
    ffmpeg::allocZeroedBuffers(encoderFrame.get());
    encoderFrameCapacity = frameSize;

    // Packed PCM only: one plane, so a write's samples can be handed to the encoder as they are.
    packetsFollowWrites = isPcm(codec->id) && storesSamplesBackToBack(format->oformat) &&
                          av_sample_fmt_is_planar(encoderFormat) == 0 && context->frame_size == 0;
    if (packetsFollowWrites)
    {
        wholeFrame = ffmpeg::allocFrame();
        wholeFrame->format = encoderFormat;
        wholeFrame->sample_rate = rate;
        av_channel_layout_copy(&wholeFrame->ch_layout, &context->ch_layout);
    }
}

AudioOutputStream::~AudioOutputStream()
{
    av_channel_layout_uninit(&inputLayout);
    av_channel_layout_uninit(&converterInputLayout);
}

void AudioOutputStream::validate(const AudioData& data) const
{
    const auto describe = [](SampleFormat f)
    {
        return std::string(toString(f)) + " (" + std::string(sampleTypeName(f)) + ", " +
               (isPlanar(f) ? "one array per channel" : "interleaved") + ")";
    };
    if (data.format != settings.format)
        throw Error("this stream takes " + describe(settings.format) + " samples but was given " +
                    describe(data.format));
    const int expectedPlanes = isPlanar(settings.format) ? settings.numChannels : 1;
    if (data.numPlanes != expectedPlanes)
        throw Error("this stream has " + std::to_string(settings.numChannels) + " channels and takes planar data: " +
                    std::to_string(expectedPlanes) + " channel arrays expected, got " + std::to_string(data.numPlanes));
    if (data.numFrames < 0)
        throw Error("audio chunk length must not be negative, got " + std::to_string(data.numFrames));
    if (data.numFrames > 0 && !data.planes)
        throw Error("audio chunk has no data pointer");
    for (int p = 0; p < data.numPlanes && data.numFrames > 0; ++p)
        if (!data.planes[p])
            throw Error("audio chunk channel " + std::to_string(p) + " has no data pointer");
}

void AudioOutputStream::write(const AudioData& data, std::optional<double> pts)
{
    validate(data);
    if (pts)
    {
        if (!std::isfinite(*pts) || *pts < 0)
            throw Error("audio pts must be a finite, non-negative number of seconds, got " + std::to_string(*pts));
        const int64_t target = std::llround(*pts * settings.sampleRate);
        if (target < inputFramesWritten)
            throw Error("audio pts " + std::to_string(*pts) + " s is before the end of what was already written (" +
                        std::to_string(double(inputFramesWritten) / settings.sampleRate) +
                        " s); pts must not go backwards");
        if (target - inputFramesWritten > static_cast<int64_t>(maxPtsGapSeconds * settings.sampleRate))
            throw RangeError("audio pts " + std::to_string(*pts) + " s would insert " +
                             std::to_string(double(target - inputFramesWritten) / settings.sampleRate) +
                             " s of silence after the end of what was written (" +
                             std::to_string(double(inputFramesWritten) / settings.sampleRate) +
                             " s); one pts may insert at most " + std::to_string(int(maxPtsGapSeconds)) + " s");
        writeSilence(target - inputFramesWritten);
    }

    const int bytesPerPlaneFrame =
        bytesPerSample(settings.format) * (isPlanar(settings.format) ? 1 : settings.numChannels);
    std::vector<const uint8_t*> planes(static_cast<size_t>(data.numPlanes));
    for (int64_t done = 0; done < data.numFrames;)
    {
        const int64_t step = std::min(maxFramesPerStep, data.numFrames - done);
        for (int p = 0; p < data.numPlanes; ++p)
            planes[p] = static_cast<const uint8_t*>(data.planes[p]) + done * bytesPerPlaneFrame;
        process(planes.data(), static_cast<int>(step));
        done += step;
    }
}

void AudioOutputStream::writeSilence(int64_t numFrames)
{
    if (numFrames <= 0)
        return;
    const auto format = static_cast<AVSampleFormat>(toAVSampleFormat(settings.format));
    const int step = static_cast<int>(std::min<int64_t>(numFrames, 4096));
    ffmpeg::FramePtr silence = ffmpeg::allocFrame();
    silence->format = format;
    silence->nb_samples = step;
    av_channel_layout_copy(&silence->ch_layout, &inputLayout);
    checkFfmpeg(av_frame_get_buffer(silence.get(), 0), "cannot allocate silence");
    av_samples_set_silence(silence->extended_data, 0, step, settings.numChannels, format);
    for (int64_t done = 0; done < numFrames; done += step)
    {
        const int n = static_cast<int>(std::min<int64_t>(step, numFrames - done));
        process(silence->extended_data, n);
    }
}

void AudioOutputStream::process(const uint8_t* const* planes, int numFrames)
{
    const int inputFormat = toAVSampleFormat(settings.format);
    if (entryRepair->needed(planes, inputFormat, settings.numChannels, numFrames))
    {
        // The caller's buffer is const: repair a copy (only chunks that need it pay for one).
        const int numPlanes = isPlanar(settings.format) ? settings.numChannels : 1;
        const int planeBytes =
            numFrames * bytesPerSample(settings.format) * (isPlanar(settings.format) ? 1 : settings.numChannels);
        repairScratch.resize(static_cast<size_t>(planeBytes) * static_cast<size_t>(numPlanes));
        repairPlanes.resize(static_cast<size_t>(numPlanes));
        for (int p = 0; p < numPlanes; ++p)
        {
            repairPlanes[p] = repairScratch.data() + static_cast<size_t>(p) * static_cast<size_t>(planeBytes);
            std::copy_n(planes[p], planeBytes, repairPlanes[p]);
        }
        entryRepair->repair(repairPlanes.data(), inputFormat, settings.numChannels, numFrames, inputFramesWritten,
                            repaired);
        planes = repairPlanes.data();
    }

    if (filter)
    {
        ffmpeg::FramePtr frame = ffmpeg::allocFrame();
        frame->format = toAVSampleFormat(settings.format);
        frame->sample_rate = settings.sampleRate;
        frame->nb_samples = numFrames;
        frame->pts = inputFramesWritten;
        av_channel_layout_copy(&frame->ch_layout, &inputLayout);
        checkFfmpeg(av_frame_get_buffer(frame.get(), 0), "cannot allocate an audio frame");
        av_samples_copy(frame->extended_data, const_cast<uint8_t* const*>(planes), 0, 0, numFrames,
                        settings.numChannels, static_cast<AVSampleFormat>(frame->format));
        filter->push(frame.get());
        queueFiltered();
    }
    else
        convertAndQueue(planes, numFrames);
    inputFramesWritten += numFrames;
}

void AudioOutputStream::queueFiltered()
{
    while (filter->pull(filteredFrame.get()))
    {
        const int n = filteredFrame->nb_samples;
        const int channels = filteredFrame->ch_layout.nb_channels;
        if (filterRepair->needed(filteredFrame->extended_data, filteredFrame->format, channels, n))
        {
            checkFfmpeg(av_frame_make_writable(filteredFrame.get()), "cannot repair the filter graph's output");
            filterRepair->repair(filteredFrame->extended_data, filteredFrame->format, channels, n, filterOutputFrames,
                                 repaired);
        }
        filterOutputFrames += n;
        convertAndQueue(filteredFrame->extended_data, n);
    }
}

int AudioOutputStream::convertAndQueue(const uint8_t* const* planes, int numFrames)
{
    if (!resampler)
    {
        if (encodeWhole(planes, numFrames, nullptr))
            return numFrames;
        checkFfmpeg(av_audio_fifo_write(fifo.get(), reinterpret_cast<void**>(const_cast<uint8_t**>(planes)), numFrames),
                    "cannot queue audio");
        encodeQueued(false);
        return numFrames;
    }

    const AVCodecContext* context = encoder->context();
    const int capacity = std::max(swr_get_out_samples(resampler.get(), numFrames), frameSize);
    // A new buffer when it is too small, or when the encoder still holds a reference to the last one.
    if (capacity > convertedCapacity || av_buffer_is_writable(convertedBuffer.get()) == 0)
    {
        const int channels = context->ch_layout.nb_channels;
        const int samples = std::max(capacity, convertedCapacity);
        const int size = checkFfmpeg(av_samples_get_buffer_size(nullptr, channels, samples, context->sample_fmt, 0),
                                     "cannot size the converter's buffer");
        convertedBuffer.reset(av_buffer_alloc(static_cast<size_t>(size)));
        if (!convertedBuffer)
            throw Error("out of memory allocating the converter's buffer");
        convertedPlanes.assign(static_cast<size_t>(channels), nullptr);
        checkFfmpeg(av_samples_fill_arrays(convertedPlanes.data(), nullptr, convertedBuffer->data, channels, samples,
                                           context->sample_fmt, 0),
                    "cannot lay out the converter's buffer");
        convertedCapacity = samples;
    }
    // numFrames == 0 with planes == nullptr drains the resampler's delay line.
    const int converted = checkFfmpeg(swr_convert(resampler.get(), convertedPlanes.data(), convertedCapacity,
                                                  numFrames ? const_cast<const uint8_t**>(planes) : nullptr, numFrames),
                                      "audio conversion failed");
    if (converted > 0 && encodeWhole(convertedPlanes.data(), converted, convertedBuffer.get()))
        return converted;
    if (converted > 0)
        checkFfmpeg(av_audio_fifo_write(fifo.get(), reinterpret_cast<void**>(convertedPlanes.data()), converted),
                    "cannot queue audio");
    encodeQueued(false);
    return converted;
}

bool AudioOutputStream::encodeWhole(const uint8_t* const* planes, int numFrames, AVBufferRef* owner)
{
    // Smaller writes go through the FIFO, so that packets stay at least frameSize long (a packet costs about as
    // much as a few thousand samples); samples queued earlier must come out first.
    if (!packetsFollowWrites || numFrames < frameSize || av_audio_fifo_size(fifo.get()) > 0)
        return false;
    const int channels = wholeFrame->ch_layout.nb_channels;
    auto* data = const_cast<uint8_t**>(planes);
    if (encoderRepair->needed(data, wholeFrame->format, channels, numFrames))
    {
        if (owner == nullptr)
            return false; // the caller's buffer: the FIFO's copy gets repaired
        encoderRepair->repair(data, wholeFrame->format, channels, numFrames, encoderPts, repaired);
    }
    wholeFrame->data[0] = data[0];
    wholeFrame->extended_data = wholeFrame->data;
    wholeFrame->nb_samples = numFrames;
    wholeFrame->linesize[0] = numFrames * channels * av_get_bytes_per_sample(AVSampleFormat(wholeFrame->format));
    wholeFrame->pts = encoderPts;
    encoderPts += numFrames;
    if (owner != nullptr)
    {
        wholeFrame->buf[0] = av_buffer_ref(owner);
        if (wholeFrame->buf[0] == nullptr)
            throw Error("out of memory referencing the converted samples");
    }
    // Without a buffer reference the encoder copies what it keeps; with one, it keeps a reference.
    try
    {
        encoder->encode(wholeFrame.get());
    }
    catch (...)
    {
        av_buffer_unref(&wholeFrame->buf[0]);
        throw;
    }
    av_buffer_unref(&wholeFrame->buf[0]);
    wholeFrame->data[0] = nullptr;
    return true;
}

void AudioOutputStream::encodeQueued(bool final)
{
    while (av_audio_fifo_size(fifo.get()) >= frameSize || (final && av_audio_fifo_size(fifo.get()) > 0))
    {
        // With packetsFollowWrites, one packet takes everything queued.
        const int n =
            packetsFollowWrites ? av_audio_fifo_size(fifo.get()) : std::min(av_audio_fifo_size(fifo.get()), frameSize);
        if (n > encoderFrameCapacity)
        {
            av_frame_unref(encoderFrame.get());
            encoderFrame->format = wholeFrame->format;
            encoderFrame->sample_rate = wholeFrame->sample_rate;
            av_channel_layout_copy(&encoderFrame->ch_layout, &wholeFrame->ch_layout);
            encoderFrame->nb_samples = n;
            ffmpeg::allocZeroedBuffers(encoderFrame.get());
            encoderFrameCapacity = n;
        }
        encoderFrame->nb_samples = encoderFrameCapacity; // a fresh buffer, if one is needed, is a whole frame
        ffmpeg::makeWritableZeroed(encoderFrame.get());
        encoderFrame->nb_samples = n;
        if (av_audio_fifo_read(fifo.get(), reinterpret_cast<void**>(encoderFrame->extended_data), n) != n)
            throw Error("audio FIFO returned fewer samples than it holds");
        const int channels = encoderFrame->ch_layout.nb_channels;
        if (encoderRepair->needed(encoderFrame->extended_data, encoderFrame->format, channels, n))
            encoderRepair->repair(encoderFrame->extended_data, encoderFrame->format, channels, n, encoderPts, repaired);
        encoderFrame->pts = encoderPts;
        encoderPts += n;
        encoder->encode(encoderFrame.get());
    }
}

void AudioOutputStream::finish()
{
    if (filter)
    {
        filter->push(nullptr);
        queueFiltered();
    }
    if (resampler)
    {
        // Without input, swr_convert hands out what its delay line still holds; it returns 0 once empty.
        while (convertAndQueue(nullptr, 0) > 0)
        {
        }
    }
    encodeQueued(true);
    encoder->encode(nullptr);
}

StreamInfo AudioOutputStream::info() const
{
    const AVCodecContext* c = encoder->context();
    StreamInfo info;
    info.isAudio = true;
    info.encoder = c->codec->name;
    info.codec = avcodec_get_name(c->codec_id);
    info.bitRate = c->bit_rate;
    info.timeBase = {c->time_base.num, c->time_base.den};
    info.sampleRate = c->sample_rate;
    info.numChannels = c->ch_layout.nb_channels;
    info.channelLayout = layoutName(c->ch_layout);
    info.sampleFormat = av_get_sample_fmt_name(c->sample_fmt);
    info.frameSize = frameSize;
    return info;
}

} // namespace capstan
