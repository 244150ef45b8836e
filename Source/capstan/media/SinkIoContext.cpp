#include "SinkIoContext.h"

#include "Error.h"

#include <exception>

extern "C"
{
#include <libavformat/avio.h>
#include <libavutil/error.h>
#include <libavutil/mem.h>
}

namespace capstan
{

SinkIoContext::SinkIoContext(ByteSink& s, int bufferSize) : sink(s)
{
    if (bufferSize <= 0)
        throw Error("custom IO buffer size must be positive, got " + std::to_string(bufferSize));
    auto* buffer = static_cast<unsigned char*>(av_malloc(static_cast<size_t>(bufferSize)));
    if (!buffer)
        throw Error("out of memory allocating the custom IO buffer");
    context = avio_alloc_context(buffer, bufferSize, 1, this, nullptr, &SinkIoContext::writePacket,
                                 sink.canSeek() ? &SinkIoContext::seekPacket : nullptr);
    if (!context)
    {
        av_free(buffer);
        throw Error("out of memory allocating the custom IO context");
    }
    context->seekable = sink.canSeek() ? AVIO_SEEKABLE_NORMAL : 0;
}

SinkIoContext::~SinkIoContext()
{
    if (context)
        av_freep(&context->buffer);
    avio_context_free(&context);
}

int SinkIoContext::writePacket(void* opaque, uint8_t* buffer, int size)
{
    auto* self = static_cast<SinkIoContext*>(opaque);
    try
    {
        self->sink.write({buffer, static_cast<size_t>(size)});
        self->written += size;
        return size;
    }
    catch (const std::exception& e)
    {
        self->sinkError = e.what();
    }
    catch (...)
    {
        self->sinkError = "unknown exception from the sink";
    }
    return AVERROR_EXTERNAL;
}

int64_t SinkIoContext::seekPacket(void* opaque, int64_t offset, int whence)
{
    auto* self = static_cast<SinkIoContext*>(opaque);
    try
    {
        if (whence == AVSEEK_SIZE)
            return self->sink.size() >= 0 ? self->sink.size() : AVERROR(ENOSYS);
        return self->sink.seek(offset, whence & ~AVSEEK_FORCE);
    }
    catch (const std::exception& e)
    {
        self->sinkError = e.what();
    }
    catch (...)
    {
        self->sinkError = "unknown exception from the sink";
    }
    return AVERROR_EXTERNAL;
}

} // namespace capstan
