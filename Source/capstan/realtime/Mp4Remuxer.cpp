#include "Mp4Remuxer.h"

#include <capstan/media/Error.h>

#include <cstdio>
#include <vector>

extern "C"
{
#include <libavformat/avformat.h>
}

namespace capstan
{

namespace
{
struct InputCloser
{
    AVFormatContext* ctx = nullptr;
    ~InputCloser() { avformat_close_input(&ctx); }
};

struct OutputCloser
{
    AVFormatContext* ctx = nullptr;
    ~OutputCloser()
    {
        if (ctx == nullptr)
            return;
        if (ctx->pb != nullptr)
            avio_closep(&ctx->pb);
        avformat_free_context(ctx);
    }
};

struct PacketHolder
{
    AVPacket* packet = av_packet_alloc();
    ~PacketHolder() { av_packet_free(&packet); }
};
} // namespace

void Mp4Remuxer::remuxToSeekable(const std::string& path, const std::vector<Chapter>& chapters)
{
    const std::string temporary = path + ".remux.tmp";
    const std::string context = "finalizing '" + path + "' as a seekable MP4";
    {
        InputCloser input;
        checkFfmpeg(avformat_open_input(&input.ctx, path.c_str(), nullptr, nullptr), context + ": opening");
        checkFfmpeg(avformat_find_stream_info(input.ctx, nullptr), context + ": reading streams");

        OutputCloser output;
        checkFfmpeg(avformat_alloc_output_context2(&output.ctx, nullptr, "mp4", temporary.c_str()),
                    context + ": creating the muxer");
        std::vector<int> streamMap(input.ctx->nb_streams, -1);
        int next = 0;
        for (unsigned i = 0; i < input.ctx->nb_streams; ++i)
        {
            const AVStream* in = input.ctx->streams[i];
            const auto type = in->codecpar->codec_type;
            if (type != AVMEDIA_TYPE_AUDIO && type != AVMEDIA_TYPE_VIDEO && type != AVMEDIA_TYPE_SUBTITLE)
                continue;
            AVStream* out = avformat_new_stream(output.ctx, nullptr);
            if (out == nullptr)
                throw Error(context + ": out of memory adding a stream");
            checkFfmpeg(avcodec_parameters_copy(out->codecpar, in->codecpar), context + ": copying codec parameters");
            out->codecpar->codec_tag = 0;
            out->time_base = in->time_base;
            av_dict_copy(&out->metadata, in->metadata, 0);
            streamMap[i] = next++;
        }
        av_dict_copy(&output.ctx->metadata, input.ctx->metadata, 0);
        for (const auto& chapter : chapters)
            appendChapter(output.ctx, chapter);
        checkFfmpeg(avio_open(&output.ctx->pb, temporary.c_str(), AVIO_FLAG_WRITE), context + ": opening " + temporary);
        AVDictionary* options = nullptr;
        av_dict_set(&options, "movflags", "+faststart", 0);
        const int headerResult = avformat_write_header(output.ctx, &options);
        av_dict_free(&options);
        checkFfmpeg(headerResult, context + ": writing the header");

        PacketHolder holder;
        AVPacket* packet = holder.packet;
        for (;;)
        {
            const int result = av_read_frame(input.ctx, packet);
            if (result == AVERROR_EOF)
                break;
            checkFfmpeg(result, context + ": reading a packet");
            const int target =
                packet->stream_index < int(streamMap.size()) ? streamMap[size_t(packet->stream_index)] : -1;
            if (target < 0)
            {
                av_packet_unref(packet);
                continue;
            }
            av_packet_rescale_ts(packet, input.ctx->streams[packet->stream_index]->time_base,
                                 output.ctx->streams[target]->time_base);
            packet->stream_index = target;
            packet->pos = -1;
            checkFfmpeg(av_interleaved_write_frame(output.ctx, packet), context + ": writing a packet");
        }
        checkFfmpeg(av_write_trailer(output.ctx), context + ": writing the trailer");
        checkFfmpeg(avio_closep(&output.ctx->pb), context + ": closing " + temporary);
    }
    if (std::rename(temporary.c_str(), path.c_str()) != 0)
    {
        std::remove(temporary.c_str());
        throw Error(context + ": could not replace the file with the remuxed one");
    }
}

} // namespace capstan
