#include "FfmpegHandles.h"

#include "Error.h"

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

} // namespace capstan::ffmpeg
