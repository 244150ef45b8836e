#include "MemorySink.h"

#include "Error.h"

#include <cstdio>
#include <cstring>

namespace capstan
{

int64_t ByteSink::seek(int64_t, int)
{
    throw Error("this sink cannot seek");
}

void MemorySink::write(std::span<const uint8_t> bytes)
{
    if (position + bytes.size() > data.size())
        data.resize(position + bytes.size());
    std::memcpy(data.data() + position, bytes.data(), bytes.size());
    position += bytes.size();
}

int64_t MemorySink::seek(int64_t offset, int whence)
{
    int64_t base = 0;
    if (whence == SEEK_CUR)
        base = static_cast<int64_t>(position);
    else if (whence == SEEK_END)
        base = static_cast<int64_t>(data.size());
    const int64_t target = base + offset;
    if (target < 0)
        throw Error("MemorySink: seek before the start");
    position = static_cast<size_t>(target);
    return target;
}

} // namespace capstan
