#include "MediaReader.h"

#include "AudioReadConverter.h"
#include "Error.h"
#include "FfmpegHandles.h"
#include "FfmpegLog.h"
#include "InputOpener.h"
#include "StreamDescription.h"

#include <algorithm>
#include <cstdio>
#include <deque>
#include <mutex>

extern "C"
{
#include <libavdevice/avdevice.h>
#include <libavutil/channel_layout.h>
#include <libavutil/imgutils.h>
#include <libavutil/pixdesc.h>
#include <libavutil/samplefmt.h>
}

namespace capstan
{
namespace
{
struct InputContextDeleter
{
    void operator()(AVFormatContext* c) const { avformat_close_input(&c); }
};
using InputContextPtr = std::unique_ptr<AVFormatContext, InputContextDeleter>;

double toSeconds(int64_t ts, AVRational timeBase)
{
    return double(ts) * av_q2d(timeBase);
}
} // namespace

std::vector<const void*> AudioChunk::planePointers() const
{
    std::vector<const void*> pointers;
    pointers.reserve(planes.size());
    for (const auto& plane : planes)
        pointers.push_back(plane.data());
    return pointers;
}

class MediaReader::Impl
{
public:
    Impl(const std::string& sourceIn, const std::string& format, const Options& options, double openTimeout)
        : source(sourceIn)
    {
        FfmpegLog::install(); // so that errors carry FFmpeg's own explanation
        if (!(openTimeout >= 0))
            throw RangeError("open timeout must be 0 (wait forever) or a positive number of seconds");
        static std::once_flag devicesRegistered;
        std::call_once(devicesRegistered, [] { avdevice_register_all(); }); // x11grab, v4l2, lavfi, pulse...
        const AVInputFormat* inputFormat = nullptr;
        if (!format.empty())
        {
            inputFormat = av_find_input_format(format.c_str());
            if (inputFormat == nullptr)
                throw Error("unknown input format '" + format + "' for '" + source +
                            "'; see `ffmpeg -demuxers` for the accepted names");
        }
        opener = std::make_unique<InputOpener>(source, openTimeout);
        input.reset(opener->open(inputFormat, options));

        for (unsigned i = 0; i < input->nb_streams; ++i)
            infos.push_back(describeStream(input.get(), int(i)));

        packet.reset(av_packet_alloc());
        frame.reset(av_frame_alloc());
        if (!packet || !frame)
            throw Error("out of memory opening '" + source + "'");
    }

    int bestStream(AVMediaType type) const
    {
        const int index = av_find_best_stream(input.get(), type, -1, -1, nullptr, 0);
        return index < 0 ? -1 : index;
    }

    ffmpeg::CodecContextPtr openDecoder(int index, const char* kind)
    {
        if (index < 0 || index >= int(input->nb_streams))
            throw Error("'" + source + "' has no stream " + std::to_string(index) + " (it has " +
                        std::to_string(input->nb_streams) + ")");
        AVStream* st = input->streams[index];
        const bool isAudio = std::string_view(kind) == "audio";
        if (st->codecpar->codec_type != (isAudio ? AVMEDIA_TYPE_AUDIO : AVMEDIA_TYPE_VIDEO))
            throw Error("stream " + std::to_string(index) + " of '" + source + "' is not " + (isAudio ? "an " : "a ") +
                        kind + " stream");
        const AVCodec* codec = avcodec_find_decoder(st->codecpar->codec_id);
        if (codec == nullptr)
            throw Error("no decoder in this FFmpeg build for codec '" +
                        std::string(avcodec_get_name(st->codecpar->codec_id)) + "' of '" + source + "'");
        ffmpeg::CodecContextPtr ctx(avcodec_alloc_context3(codec));
        if (!ctx)
            throw Error("out of memory opening a decoder for '" + source + "'");
        checkFfmpeg(avcodec_parameters_to_context(ctx.get(), st->codecpar),
                    "cannot set up the " + std::string(kind) + " decoder of '" + source + "'");
        ctx->pkt_timebase = st->time_base;
        ffmpeg::Dictionary opts;
        opts.set("threads", "auto"); // as the ffmpeg CLI decodes
        checkFfmpeg(avcodec_open2(ctx.get(), codec, opts.address()),
                    "cannot open the " + std::string(codec->name) + " decoder of '" + source + "'");
        return ctx;
    }

    void selectAudio(int index, const AudioReadSpec& spec)
    {
        requireNotStarted();
        if (spec.sampleRate < 0 || spec.numChannels < 0)
            throw Error("audio read spec: sample rate and channel count must be positive (or 0 to keep the source's)");
        audio.decoder = openDecoder(index, "audio");
        audio.index = index;
        audio.spec = spec;
    }

    void selectVideo(int index, const VideoReadSpec& spec)
    {
        requireNotStarted();
        if (spec.width < 0 || spec.height < 0 || (spec.width == 0) != (spec.height == 0))
            throw Error("video read spec: give both width and height (positive), or neither to keep the source's size");
        video.decoder = openDecoder(index, "video");
        video.index = index;
        video.spec = spec;
    }

    std::optional<AudioChunk> readAudio(int64_t maxFrames)
    {
        AudioChunk chunk;
        if (!readAudio(maxFrames, chunk))
            return std::nullopt;
        return chunk;
    }

    bool readAudio(int64_t maxFrames, AudioChunk& chunk)
    {
        if (audio.index < 0)
        {
            const int best = bestStream(AVMEDIA_TYPE_AUDIO);
            if (best < 0)
                throw Error("'" + source + "' has no audio stream");
            selectAudio(best, {});
        }
        if (maxFrames <= 0)
            throw Error("audio chunk size must be at least 1 sample, got " + std::to_string(maxFrames));
        start();
        while ((!audio.converter || audio.converter->available() < maxFrames) && !audio.finished)
            pump();
        const int64_t available = audio.converter ? audio.converter->available() : 0;
        if (available == 0)
            return false;

        const int n = int(std::min(maxFrames, available));
        chunk.format = audio.spec.format;
        chunk.sampleRate = audio.converter->outputRate();
        chunk.numChannels = audio.converter->outputChannels();
        chunk.numFrames = n;
        chunk.pts = audio.firstPts + double(audio.framesRead) / chunk.sampleRate;
        const bool planar = isPlanar(chunk.format);
        const size_t numPlanes = planar ? size_t(chunk.numChannels) : 1;
        const size_t planeBytes = size_t(n) * size_t(bytesPerSample(chunk.format)) * (planar ? 1 : chunk.numChannels);
        // A chunk passed in again keeps its buffers: same-size chunks cost no allocation.
        chunk.planes.resize(numPlanes);
        std::vector<void*> pointers;
        for (auto& plane : chunk.planes)
        {
            plane.resize(planeBytes);
            pointers.push_back(plane.data());
        }
        audio.converter->read(pointers.data(), n);
        audio.framesRead += n;
        return true;
    }

    std::optional<double> peekVideoPts()
    {
        requireVideoSelected();
        start();
        while (video.queue.empty() && !video.finished)
            pump();
        if (video.queue.empty())
            return std::nullopt;
        return video.queue.front().pts;
    }

    std::optional<VideoFrame> readVideoFrame()
    {
        if (!peekVideoPts())
            return std::nullopt;
        VideoFrame f = std::move(video.queue.front());
        video.queue.pop_front();
        return f;
    }

    bool readVideoFrame(VideoFrame& frame)
    {
        if (!peekVideoPts())
            return false;
        if (frame.data.capacity() > 0 && video.spareBuffers.size() < 4)
            video.spareBuffers.push_back(std::move(frame.data));
        frame = std::move(video.queue.front());
        video.queue.pop_front();
        return true;
    }

    void setInterruptFlag(const std::atomic<bool>* flag)
    {
        input->interrupt_callback =
            flag != nullptr ? AVIOInterruptCB{&Impl::interruptCallback, const_cast<std::atomic<bool>*>(flag)}
                            : AVIOInterruptCB{nullptr, nullptr};
    }

    const std::string source;
    std::unique_ptr<InputOpener> opener; ///< before `input`: a FIFO's descriptor outlives the context
    InputContextPtr input;
    std::vector<MediaStreamInfo> infos;
    std::optional<Truncation> truncation;

private:
    struct AudioState
    {
        int index = -1;
        AudioReadSpec spec;
        ffmpeg::CodecContextPtr decoder;
        std::unique_ptr<AudioReadConverter> converter; ///< made at the first decoded frame
        double firstPts = 0.0;
        bool havePts = false;
        int64_t framesRead = 0;
        double decodedSeconds = 0; ///< of the source, before conversion
        bool finished = false;
    };

    struct VideoState
    {
        int index = -1;
        VideoReadSpec spec;
        ffmpeg::CodecContextPtr decoder;
        SwsContext* sws = nullptr; // sws_getCachedContext reuses or replaces it
        std::deque<VideoFrame> queue;
        std::vector<std::vector<uint8_t>> spareBuffers; // handed back by readVideoFrame(VideoFrame&)
        double lastPts = -1.0;
        int64_t decodedFrames = 0;
        bool finished = false;
        ~VideoState() { sws_freeContext(sws); }
    };

    static int interruptCallback(void* opaque)
    {
        const auto* flag = static_cast<const std::atomic<bool>*>(opaque);
        return flag->load(std::memory_order_acquire) ? 1 : 0;
    }

    void requireNotStarted() const
    {
        if (started)
            throw Error("MediaReader: streams must be selected before the first read");
    }

    void requireVideoSelected()
    {
        if (video.index >= 0)
            return;
        const int best = bestStream(AVMEDIA_TYPE_VIDEO);
        if (best < 0)
            throw Error("'" + source + "' has no video stream");
        selectVideo(best, {});
    }

    void start()
    {
        if (started)
            return;
        started = true;
        // Don't spend demuxing effort on streams nobody reads.
        for (unsigned i = 0; i < input->nb_streams; ++i)
            if (int(i) != audio.index && int(i) != video.index)
                input->streams[i]->discard = AVDISCARD_ALL;
        audio.finished = audio.index < 0;
        video.finished = video.index < 0;
    }

    /** Reads one packet and decodes it (or, at the end, drains the decoders). */
    void pump()
    {
        if (demuxFinished)
        {
            audio.finished = video.finished = true;
            return;
        }
        const int result = av_read_frame(input.get(), packet.get());
        if (result == AVERROR_EOF)
        {
            demuxFinished = true;
            if (audio.index >= 0)
            {
                decodeAudio(nullptr);
                if (audio.converter)
                    audio.converter->drain();
            }
            if (video.index >= 0)
                decodeVideo(nullptr);
            audio.finished = video.finished = true;
            checkTruncation();
            return;
        }
        checkFfmpeg(result, "cannot read from '" + source + "'");
        if (packet->stream_index == audio.index)
            decodeAudio(packet.get());
        else if (packet->stream_index == video.index)
            decodeVideo(packet.get());
        av_packet_unref(packet.get());
    }

    /** Sends a packet (nullptr: end of stream) and hands every frame it yields to onFrame. */
    template <typename OnFrame>
    void decode(AVCodecContext* decoder, const AVPacket* pkt, const char* kind, OnFrame&& onFrame)
    {
        int result = avcodec_send_packet(decoder, pkt);
        // A corrupt packet is skipped, as the ffmpeg CLI does; anything else is fatal.
        if (result == AVERROR_INVALIDDATA)
            return;
        checkFfmpeg(result, std::string("cannot decode ") + kind + " of '" + source + "'");
        for (;;)
        {
            result = avcodec_receive_frame(decoder, frame.get());
            if (result == AVERROR(EAGAIN) || result == AVERROR_EOF)
                return;
            if (result == AVERROR_INVALIDDATA)
                continue;
            checkFfmpeg(result, std::string("cannot decode ") + kind + " of '" + source + "'");
            onFrame(frame.get());
            av_frame_unref(frame.get());
        }
    }

    void decodeAudio(const AVPacket* pkt)
    {
        decode(audio.decoder.get(), pkt, "audio", [this](AVFrame* f) { convertAudio(f); });
    }

    void decodeVideo(const AVPacket* pkt)
    {
        decode(video.decoder.get(), pkt, "video", [this](AVFrame* f) { convertVideo(f); });
    }

    void convertAudio(const AVFrame* f)
    {
        if (!audio.converter)
            audio.converter = std::make_unique<AudioReadConverter>(source, audio.spec.format, audio.spec.sampleRate,
                                                                   audio.spec.numChannels);
        audio.decodedSeconds += double(f->nb_samples) / f->sample_rate;
        if (!audio.havePts)
        {
            audio.havePts = true;
            const int64_t ts = f->best_effort_timestamp;
            audio.firstPts = ts == AV_NOPTS_VALUE ? 0.0 : toSeconds(ts, input->streams[audio.index]->time_base);
        }
        audio.converter->push(f);
    }

    void convertVideo(const AVFrame* f)
    {
        VideoFrame out;
        out.format = video.spec.format;
        out.width = video.spec.width > 0 ? video.spec.width : f->width;
        out.height = video.spec.height > 0 ? video.spec.height : f->height;

        const AVStream* st = input->streams[video.index];
        const int64_t ts = f->best_effort_timestamp;
        if (ts != AV_NOPTS_VALUE)
            out.pts = toSeconds(ts, st->time_base);
        else
        {
            const AVRational rate = av_guess_frame_rate(input.get(), const_cast<AVStream*>(st), nullptr);
            out.pts = video.lastPts < 0 ? 0.0 : video.lastPts + (rate.num > 0 ? av_q2d(av_inv_q(rate)) : 0.0);
        }
        video.lastPts = out.pts;
        ++video.decodedFrames;

        const auto dstFormat = static_cast<AVPixelFormat>(toAVPixelFormat(out.format));
        if (!video.spareBuffers.empty())
        {
            // A recycled buffer of the same size: no allocation, no page faults, no zero-filling.
            out.data = std::move(video.spareBuffers.back());
            video.spareBuffers.pop_back();
        }
        out.data.resize(size_t(bytesPerFrame(out.format, out.width, out.height)));
        if (f->format == dstFormat && f->width == out.width && f->height == out.height)
        {
            // Same layout: one copy into the packed buffer, no conversion.
            checkFfmpeg(av_image_copy_to_buffer(out.data.data(), int(out.data.size()), f->data, f->linesize, dstFormat,
                                                f->width, f->height, 1),
                        "cannot copy a video frame of '" + source + "'");
        }
        else
        {
            video.sws = sws_getCachedContext(video.sws, f->width, f->height, static_cast<AVPixelFormat>(f->format),
                                             out.width, out.height, dstFormat, SWS_BICUBIC, nullptr, nullptr, nullptr);
            if (video.sws == nullptr)
                throw Error("cannot convert video of '" + source + "' from " +
                            std::string(av_get_pix_fmt_name(static_cast<AVPixelFormat>(f->format))) + " " +
                            std::to_string(f->width) + "x" + std::to_string(f->height) + " to " +
                            std::string(toString(out.format)));
            uint8_t* dstData[4] = {};
            int dstLinesize[4] = {};
            checkFfmpeg(
                av_image_fill_arrays(dstData, dstLinesize, out.data.data(), dstFormat, out.width, out.height, 1),
                "video frame layout");
            sws_scale(video.sws, f->data, f->linesize, 0, f->height, dstData, dstLinesize);
        }
        video.queue.push_back(std::move(out));
    }

    /** What the container declares for a stream, in seconds; nothing when it only estimated it from the bit rate
        (mp3 without a header, raw streams): such guesses are no evidence of a truncation. */
    std::optional<double> declaredDuration(int index) const
    {
        if (input->duration_estimation_method == AVFMT_DURATION_FROM_BITRATE)
            return std::nullopt;
        const AVStream* st = input->streams[index];
        if (st->duration != AV_NOPTS_VALUE && st->duration > 0)
            return toSeconds(st->duration, st->time_base);
        if (input->duration == AV_NOPTS_VALUE || input->duration <= 0)
            return std::nullopt;
        // The container's duration spans every stream: a stream that starts later (audio after video) holds less.
        double lateStart = 0;
        if (st->start_time != AV_NOPTS_VALUE && input->start_time != AV_NOPTS_VALUE)
            lateStart =
                std::max(0.0, toSeconds(st->start_time, st->time_base) - double(input->start_time) / AV_TIME_BASE);
        return double(input->duration) / AV_TIME_BASE - lateStart;
    }

    /** At the end of the input: a decoded length well short of the declared one means the file is cut off. */
    void checkTruncation()
    {
        std::optional<double> declared;
        double present = 0;
        if (audio.index >= 0)
        {
            declared = declaredDuration(audio.index);
            present = audio.decodedSeconds;
        }
        else if (video.index >= 0)
        {
            declared = declaredDuration(video.index);
            const AVRational rate = av_guess_frame_rate(input.get(), input->streams[video.index], nullptr);
            present = rate.num > 0 ? double(video.decodedFrames) * av_q2d(av_inv_q(rate)) : 0.0;
        }
        // Encoder padding and rounding differ by far less than this; a cut-off file by far more.
        if (!declared || *declared - present <= std::max(0.1, 0.01 * *declared))
            return;
        char text[256];
        std::snprintf(text, sizeof(text), "is truncated: its header says %.3g s, %.3g s are present", *declared,
                      present);
        truncation = Truncation{*declared, present, "'" + source + "' " + text};
    }

    ffmpeg::PacketPtr packet;
    ffmpeg::FramePtr frame;
    AudioState audio;
    VideoState video;
    bool started = false;
    bool demuxFinished = false;
};

MediaReader::MediaReader(const std::string& source, const std::string& format, const Options& options,
                         double openTimeoutSeconds)
    : impl(std::make_unique<Impl>(source, format, options, openTimeoutSeconds))
{
}

std::optional<MediaReader::Truncation> MediaReader::truncation() const
{
    return impl->truncation;
}

MediaReader::~MediaReader() = default;
MediaReader::MediaReader(MediaReader&&) noexcept = default;
MediaReader& MediaReader::operator=(MediaReader&&) noexcept = default;

const std::vector<MediaStreamInfo>& MediaReader::streams() const
{
    return impl->infos;
}

std::optional<double> MediaReader::duration() const
{
    if (impl->input->duration == AV_NOPTS_VALUE || impl->input->duration <= 0)
        return std::nullopt;
    return double(impl->input->duration) / AV_TIME_BASE;
}

std::string MediaReader::formatName() const
{
    return impl->input->iformat->name;
}

const std::string& MediaReader::source() const
{
    return impl->source;
}

int MediaReader::bestAudioStream() const
{
    return impl->bestStream(AVMEDIA_TYPE_AUDIO);
}

int MediaReader::bestVideoStream() const
{
    return impl->bestStream(AVMEDIA_TYPE_VIDEO);
}

void MediaReader::selectAudio(int stream, const AudioReadSpec& spec)
{
    impl->selectAudio(stream, spec);
}

void MediaReader::setInterruptFlag(const std::atomic<bool>* flag)
{
    impl->setInterruptFlag(flag);
}

void MediaReader::selectVideo(int stream, const VideoReadSpec& spec)
{
    impl->selectVideo(stream, spec);
}

std::optional<AudioChunk> MediaReader::readAudio(int64_t maxFrames)
{
    return impl->readAudio(maxFrames);
}

std::optional<VideoFrame> MediaReader::readVideoFrame()
{
    return impl->readVideoFrame();
}

bool MediaReader::readAudio(int64_t maxFrames, AudioChunk& chunk)
{
    return impl->readAudio(maxFrames, chunk);
}

bool MediaReader::readVideoFrame(VideoFrame& frame)
{
    return impl->readVideoFrame(frame);
}

std::optional<double> MediaReader::peekVideoPts()
{
    return impl->peekVideoPts();
}

void MediaReader::readAudio(int64_t framesPerChunk, SampleFormat format,
                            const std::function<void(const AudioChunk&)>& callback)
{
    const int best = bestAudioStream();
    if (best < 0)
        throw Error("'" + source() + "' has no audio stream");
    selectAudio(best, {.format = format});
    while (auto chunk = readAudio(framesPerChunk))
        callback(*chunk);
}

} // namespace capstan
