#pragma once

// RAII owners for FFmpeg objects: every allocation is released exactly once, on every path, exceptions included.

#include <memory>

extern "C"
{
#include <libavcodec/avcodec.h>
#include <libavfilter/avfilter.h>
#include <libavformat/avformat.h>
#include <libavutil/audio_fifo.h>
#include <libavutil/dict.h>
#include <libswresample/swresample.h>
#include <libswscale/swscale.h>
}

namespace capstan::ffmpeg
{

struct CodecContextDeleter
{
    void operator()(AVCodecContext* c) const { avcodec_free_context(&c); }
};
struct FrameDeleter
{
    void operator()(AVFrame* f) const { av_frame_free(&f); }
};
struct PacketDeleter
{
    void operator()(AVPacket* p) const { av_packet_free(&p); }
};
struct SwrDeleter
{
    void operator()(SwrContext* s) const { swr_free(&s); }
};
struct SwsDeleter
{
    void operator()(SwsContext* s) const { sws_freeContext(s); }
};
struct AudioFifoDeleter
{
    void operator()(AVAudioFifo* f) const { av_audio_fifo_free(f); }
};
struct FilterGraphDeleter
{
    void operator()(AVFilterGraph* g) const { avfilter_graph_free(&g); }
};
struct FilterInOutDeleter
{
    void operator()(AVFilterInOut* io) const { avfilter_inout_free(&io); }
};

using CodecContextPtr = std::unique_ptr<AVCodecContext, CodecContextDeleter>;
using FramePtr = std::unique_ptr<AVFrame, FrameDeleter>;
using PacketPtr = std::unique_ptr<AVPacket, PacketDeleter>;
using SwrPtr = std::unique_ptr<SwrContext, SwrDeleter>;
using SwsPtr = std::unique_ptr<SwsContext, SwsDeleter>;
using AudioFifoPtr = std::unique_ptr<AVAudioFifo, AudioFifoDeleter>;
using FilterGraphPtr = std::unique_ptr<AVFilterGraph, FilterGraphDeleter>;
struct BufferDeleter
{
    void operator()(AVBufferRef* buffer) const { av_buffer_unref(&buffer); }
};
using BufferPtr = std::unique_ptr<AVBufferRef, BufferDeleter>;
using FilterInOutPtr = std::unique_ptr<AVFilterInOut, FilterInOutDeleter>;

/** An AVDictionary owned for its whole scope; FFmpeg calls that consume entries take `get()`'s address. */
class Dictionary
{
public:
    Dictionary() = default;
    ~Dictionary() { av_dict_free(&dict); }
    Dictionary(const Dictionary&) = delete;
    Dictionary& operator=(const Dictionary&) = delete;

    void set(const char* key, const char* value) { av_dict_set(&dict, key, value, 0); }
    AVDictionary** address() { return &dict; }
    AVDictionary* get() const { return dict; }
    int count() const { return av_dict_count(dict); }

private:
    AVDictionary* dict = nullptr;
};

FramePtr allocFrame();
PacketPtr allocPacket();

/** Allocates the buffers of a frame whose format and size are set, and zeroes them, padding included: encoder SIMD
    code may read past the last row or sample, and what it reads must not depend on the heap's history. */
void allocZeroedBuffers(AVFrame* frame);

/** Makes `frame` safe to overwrite: when the encoder still holds a reference to its buffers, it gets fresh zeroed
    ones (av_frame_make_writable would copy only the visible part and leave the padding uninitialised). */
void makeWritableZeroed(AVFrame* frame);

} // namespace capstan::ffmpeg
