#include "Remuxer.h"

#include "Error.h"
#include "FfmpegHandles.h"
#include "FfmpegLog.h"
#include "InputOpener.h"
#include "NetworkUrl.h"
#include "StreamDescription.h"

extern "C"
{
#include <libavdevice/avdevice.h>
}

#include <algorithm>
#include <cmath>
#include <limits>

namespace capstan
{
namespace
{
struct InputDeleter
{
    void operator()(AVFormatContext* c) const { avformat_close_input(&c); }
};
struct DictionaryDeleter
{
    void operator()(AVDictionary* d) const { av_dict_free(&d); }
};
} // namespace

class Remuxer::Impl
{
public:
    Impl(const std::string& sourceIn, const std::string& inputFormat) : source(sourceIn == "-" ? "pipe:0" : sourceIn)
    {
        FfmpegLog::install();
        const AVInputFormat* format = nullptr;
        if (!inputFormat.empty() && (format = av_find_input_format(inputFormat.c_str())) == nullptr)
            throw Error("unknown input format '" + inputFormat + "' for '" + sourceIn +
                        "'; see `ffmpeg -demuxers` for the accepted names");
        opener = std::make_unique<InputOpener>(source, MediaReader::defaultOpenTimeoutSeconds);
        input.reset(opener->open(format, {}));
        for (unsigned i = 0; i < input->nb_streams; ++i)
            infos.push_back(describeStream(input.get(), int(i)));
        packet.reset(av_packet_alloc());
        if (!packet)
            throw Error("out of memory opening '" + sourceIn + "'");
    }

    ~Impl() { freeOutput(); }

    void open(const Request& r)
    {
        request = r;
        avdevice_register_all();
        const std::string url = r.output == "-" ? "pipe:1" : r.output;
        std::string format = r.format.empty() ? NetworkUrl::defaultMuxer(r.output) : r.format;
        checkFfmpeg(
            avformat_alloc_output_context2(&output, nullptr, format.empty() ? nullptr : format.c_str(), url.c_str()),
            "cannot choose an output format for '" + r.output + "' (name one, e.g. mka, mp4, ogg)");
        if (r.streams.empty())
            throw Error("nothing to copy: no stream was selected");

        states.clear();
        states.resize(input->nb_streams);
        for (const int index : r.streams)
        {
            if (index < 0 || index >= int(input->nb_streams))
                throw Error("'" + source + "' has no stream " + std::to_string(index));
            const AVStream* in = input->streams[index];
            const AVCodecID id = in->codecpar->codec_id;
            // 1: the muxer takes it; 0: it cannot; negative: it does not say (then the header will tell).
            if (avformat_query_codec(output->oformat, id, FF_COMPLIANCE_NORMAL) == 0)
                throw Error(std::string("the ") + output->oformat->name + " format cannot carry " +
                            avcodec_get_name(id) + " (stream " + std::to_string(index) +
                            "): re-encode it instead of copying, or choose a container that takes it");
            AVStream* out = avformat_new_stream(output, nullptr);
            if (out == nullptr)
                throw Error("out of memory adding a stream to '" + r.output + "'");
            checkFfmpeg(avcodec_parameters_copy(out->codecpar, in->codecpar), "cannot copy stream parameters");
            out->codecpar->codec_tag = 0; // the source container's tag may mean nothing in this one
            out->time_base = in->time_base;
            out->disposition = in->disposition;
            av_dict_copy(&out->metadata, in->metadata, 0);
            StreamState& state = states[size_t(index)];
            state.selected = true;
            state.outIndex = out->index;
            state.isVideo = in->codecpar->codec_type == AVMEDIA_TYPE_VIDEO;
            state.started = r.start <= 0; // no cut: everything, priming packets before zero included
        }
        for (const auto& [key, value] : r.metadata)
            av_dict_set(&output->metadata, key.c_str(), value.c_str(), 0);
        // The cut (or the input's own start time) becomes zero; a key frame copied from before it keeps its
        // distance, and the muxer shifts every stream together if that makes a time negative.
        const double inputStart = input->start_time == AV_NOPTS_VALUE ? 0.0 : double(input->start_time) / AV_TIME_BASE;
        originSeconds = inputStart + r.start;
        output->avoid_negative_ts = AVFMT_AVOID_NEG_TS_MAKE_ZERO;
        if (r.start > 0)
            seekTo(originSeconds);

        AVDictionary* raw = nullptr;
        for (const auto& [key, value] : r.formatOptions)
            av_dict_set(&raw, key.c_str(), value.c_str(), 0);
        std::unique_ptr<AVDictionary, DictionaryDeleter> options(raw);
        if (!(output->oformat->flags & AVFMT_NOFILE))
        {
            raw = options.release();
            const int result = avio_open2(&output->pb, url.c_str(), AVIO_FLAG_WRITE, nullptr, &raw);
            options.reset(raw);
            checkFfmpeg(result, "cannot open '" + r.output + "' for writing");
        }
        raw = options.release();
        const int result = avformat_write_header(output, &raw);
        options.reset(raw);
        if (result < 0)
            throw Error("cannot write the header of '" + r.output + "': " + describeFfmpegFailure(result) +
                            unusualCodecHint(),
                        result);
        if (const AVDictionaryEntry* unused = av_dict_get(options.get(), "", nullptr, AV_DICT_IGNORE_SUFFIX))
            throw Error("unknown format option '" + std::string(unused->key) + "' for the " + output->oformat->name +
                        " muxer");
        headerWritten = true;
    }

    bool copyNext()
    {
        while (true)
        {
            if (std::none_of(states.begin(), states.end(), [](const StreamState& s) { return s.selected && !s.done; }))
                return false;
            const int result = av_read_frame(input.get(), packet.get());
            if (result == AVERROR_EOF)
                return false;
            checkFfmpeg(result, "cannot read '" + source + "'");
            const int index = packet->stream_index;
            if (index < 0 || index >= int(states.size()) || !states[size_t(index)].selected ||
                states[size_t(index)].done)
            {
                av_packet_unref(packet.get());
                continue;
            }
            if (take(states[size_t(index)], input->streams[index]->time_base))
                return true;
        }
    }

    void close()
    {
        if (output == nullptr)
            return;
        const int result = headerWritten ? av_write_trailer(output) : 0;
        bytes = currentBytes();
        freeOutput();
        checkFfmpeg(result, "cannot finish '" + request.output + "'");
    }

    int64_t currentBytes() const
    {
        if (output == nullptr || output->pb == nullptr)
            return bytes;
        return std::max<int64_t>(bytes, avio_tell(output->pb));
    }

    std::string source;
    std::unique_ptr<InputOpener> opener; ///< before `input`: a FIFO's descriptor outlives the context
    std::unique_ptr<AVFormatContext, InputDeleter> input;
    std::vector<MediaStreamInfo> infos;
    double positionSeconds = 0;
    int64_t packets = 0;

private:
    struct StreamState
    {
        bool selected = false, isVideo = false, done = false, started = false;
        int outIndex = -1;
        std::vector<ffmpeg::PacketPtr> held; ///< video from the last key frame before the cut
    };

    /** When a muxer refuses a copied stream without saying which codecs it takes (mp3, adts...). */
    std::string unusualCodecHint() const
    {
        std::string hint;
        for (unsigned i = 0; i < output->nb_streams; ++i)
        {
            const AVCodecParameters* par = output->streams[i]->codecpar;
            const AVCodecID usual =
                par->codec_type == AVMEDIA_TYPE_AUDIO ? output->oformat->audio_codec : output->oformat->video_codec;
            if (usual != AV_CODEC_ID_NONE && par->codec_id != usual)
                hint += std::string(hint.empty() ? "" : ",") + " " + avcodec_get_name(par->codec_id);
        }
        if (hint.empty())
            return {};
        return std::string("; the ") + output->oformat->name + " format may not carry" + hint +
               ": re-encode instead of copying, or choose a container that takes it";
    }

    void seekTo(double seconds)
    {
        // Backward: land on the key frame at or before the cut. An input that cannot seek is read from its start
        // instead; the packets before the cut are then skipped as they come.
        const auto target = int64_t(seconds * AV_TIME_BASE);
        if (avformat_seek_file(input.get(), -1, std::numeric_limits<int64_t>::min(), target, target, 0) < 0)
            av_seek_frame(input.get(), -1, target, AVSEEK_FLAG_BACKWARD);
    }

    double secondsOf(int64_t ts, AVRational timeBase) const
    {
        return ts == AV_NOPTS_VALUE ? std::numeric_limits<double>::quiet_NaN() : double(ts) * av_q2d(timeBase);
    }

    /** Decides what happens to the packet just read; true when one was written. */
    bool take(StreamState& state, AVRational timeBase)
    {
        ffmpeg::PacketPtr owned(av_packet_clone(packet.get()));
        av_packet_unref(packet.get());
        if (!owned)
            throw Error("out of memory copying '" + source + "'");
        const int64_t ts = owned->pts != AV_NOPTS_VALUE ? owned->pts : owned->dts;
        const double at = secondsOf(ts, timeBase) - originSeconds + request.start; // from the input's start
        const double length = owned->duration > 0 ? secondsOf(owned->duration, timeBase) : 0.0;
        if (request.end && !std::isnan(at) && at >= *request.end)
        {
            state.done = true;
            return false;
        }
        if (!state.started)
        {
            if (state.isVideo)
            {
                // A copy can only start on a key frame: keep the group of pictures that reaches the cut.
                const bool key = owned->flags & AV_PKT_FLAG_KEY;
                if (key && (std::isnan(at) || at <= request.start))
                    state.held.clear();
                if (!key && state.held.empty())
                    return false;
                state.held.push_back(std::move(owned));
                if (std::isnan(at) || at < request.start)
                    return false;
                return flushHeld(state);
            }
            if (!std::isnan(at) && at + length <= request.start && at < request.start)
                return false; // wholly before the cut
            state.started = true;
        }
        write(state, *owned, timeBase);
        return true;
    }

    bool flushHeld(StreamState& state)
    {
        if (state.held.empty())
            return false;
        state.started = true;
        for (auto& held : state.held)
            write(state, *held, input->streams[held->stream_index]->time_base);
        state.held.clear();
        return true;
    }

    void write(const StreamState& state, AVPacket& p, AVRational inBase)
    {
        const int64_t origin =
            av_rescale_q(int64_t(std::llround(originSeconds * AV_TIME_BASE)), AV_TIME_BASE_Q, inBase);
        if (p.pts != AV_NOPTS_VALUE)
            p.pts -= origin;
        if (p.dts != AV_NOPTS_VALUE)
            p.dts -= origin;
        const int64_t ts = p.pts != AV_NOPTS_VALUE ? p.pts : p.dts;
        if (ts != AV_NOPTS_VALUE)
            positionSeconds = std::max(positionSeconds, secondsOf(ts + std::max<int64_t>(0, p.duration), inBase));
        AVStream* out = output->streams[state.outIndex];
        av_packet_rescale_ts(&p, inBase, out->time_base);
        p.stream_index = state.outIndex;
        p.pos = -1;
        ++packets;
        checkFfmpeg(av_interleaved_write_frame(output, &p), "cannot write to '" + request.output + "'");
    }

    void freeOutput()
    {
        if (output == nullptr)
            return;
        if (!(output->oformat->flags & AVFMT_NOFILE))
            avio_closep(&output->pb);
        avformat_free_context(output);
        output = nullptr;
    }

    Request request;
    AVFormatContext* output = nullptr;
    bool headerWritten = false;
    double originSeconds = 0;
    int64_t bytes = 0;
    std::vector<StreamState> states;
    ffmpeg::PacketPtr packet;
};

Remuxer::Remuxer(const std::string& input, const std::string& inputFormat)
    : impl(std::make_unique<Impl>(input, inputFormat))
{
}

Remuxer::~Remuxer() = default;

const std::vector<MediaStreamInfo>& Remuxer::streams() const
{
    return impl->infos;
}

int Remuxer::bestAudioStream() const
{
    const int index = av_find_best_stream(impl->input.get(), AVMEDIA_TYPE_AUDIO, -1, -1, nullptr, 0);
    return index < 0 ? -1 : index;
}

int Remuxer::bestVideoStream() const
{
    const int index = av_find_best_stream(impl->input.get(), AVMEDIA_TYPE_VIDEO, -1, -1, nullptr, 0);
    return index < 0 ? -1 : index;
}

std::optional<double> Remuxer::duration() const
{
    const int64_t d = impl->input->duration;
    if (d == AV_NOPTS_VALUE || d <= 0)
        return std::nullopt;
    return double(d) / AV_TIME_BASE;
}

void Remuxer::open(const Request& request)
{
    impl->open(request);
}

bool Remuxer::copyNext()
{
    return impl->copyNext();
}

double Remuxer::position() const
{
    return impl->positionSeconds;
}

int64_t Remuxer::bytesWritten() const
{
    return impl->currentBytes();
}

int64_t Remuxer::packetsCopied() const
{
    return impl->packets;
}

void Remuxer::close()
{
    impl->close();
}

} // namespace capstan
