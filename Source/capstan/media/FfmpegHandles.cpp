#include "FfmpegHandles.h"

#include "Error.h"

#include <cstring>

namespace capstan::ffmpeg
{

FramePtr allocFrame()
{
    FramePtr frame(av_frame_alloc());
    if (!frame)
        throw Error("out of memory allocating a frame");
    return frame;
}

PacketPtr allocPacket()
{
    PacketPtr packet(av_packet_alloc());
    if (!packet)
        throw Error("out of memory allocating a packet");
    return packet;
}

void allocZeroedBuffers(AVFrame* frame)
{
    checkFfmpeg(av_frame_get_buffer(frame, 0), "cannot allocate frame buffers");
    for (AVBufferRef* buffer : frame->buf)
        if (buffer)
            std::memset(buffer->data, 0, buffer->size);
    for (int i = 0; i < frame->nb_extended_buf; ++i)
        std::memset(frame->extended_buf[i]->data, 0, frame->extended_buf[i]->size);
}

void makeWritableZeroed(AVFrame* frame)
{
    if (av_frame_is_writable(frame))
        return;
    FramePtr fresh = allocFrame();
    checkFfmpeg(av_frame_copy_props(fresh.get(), frame), "cannot copy frame properties");
    fresh->format = frame->format;
    fresh->width = frame->width;
    fresh->height = frame->height;
    fresh->nb_samples = frame->nb_samples;
    fresh->sample_rate = frame->sample_rate;
    checkFfmpeg(av_channel_layout_copy(&fresh->ch_layout, &frame->ch_layout), "cannot copy a channel layout");
    allocZeroedBuffers(fresh.get());
    av_frame_unref(frame);
    av_frame_move_ref(frame, fresh.get());
}

} // namespace capstan::ffmpeg
