#pragma once

#include <cstdint>
#include <span>

namespace capstan
{

/** A custom destination for StreamWriter's bytes (a socket, a ring buffer, a Python file object...).
    Muxers that rewrite their header at the end (mp4, wav) need seek(); a sink without it gets a streamable
    variant where FFmpeg has one (fragmented mp4) or a clear error. Throwing from write() or seek() fails the
    write that caused it with a capstan::Error. */
class ByteSink
{
public:
    virtual ~ByteSink() = default;

    /** Writes all of `bytes` at the current position. */
    virtual void write(std::span<const uint8_t> bytes) = 0;

    /** True when seek() works. */
    virtual bool canSeek() const { return false; }

    /** Moves the write position as fseek would (whence: SEEK_SET, SEEK_CUR, SEEK_END) and returns the new position.
        Only called when canSeek() is true. */
    virtual int64_t seek(int64_t offset, int whence);

    /** Total size in bytes, or -1 when unknown. */
    virtual int64_t size() const { return -1; }
};

} // namespace capstan
