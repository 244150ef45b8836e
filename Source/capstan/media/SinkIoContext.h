#pragma once

#include "ByteSink.h"

#include <string>

struct AVIOContext;

namespace capstan
{

/** An AVIOContext that writes into a ByteSink. Exceptions thrown by the sink are caught at the C boundary, turned
    into an FFmpeg error, and their message kept for the capstan::Error that follows. */
class SinkIoContext
{
public:
    SinkIoContext(ByteSink& sink, int bufferSize);
    ~SinkIoContext();
    SinkIoContext(const SinkIoContext&) = delete;
    SinkIoContext& operator=(const SinkIoContext&) = delete;

    AVIOContext* get() const { return context; }
    /** The last error the sink threw, or empty. */
    const std::string& lastError() const { return sinkError; }
    int64_t bytesWritten() const { return written; }

private:
    static int writePacket(void* opaque, uint8_t* buffer, int size);
    static int64_t seekPacket(void* opaque, int64_t offset, int whence);

    ByteSink& sink;
    AVIOContext* context = nullptr;
    std::string sinkError;
    int64_t written = 0;
};

} // namespace capstan
