#pragma once

#include "ByteSink.h"

#include <vector>

namespace capstan
{

/** A seekable in-memory destination: what StreamWriter wrote is in bytes() after close(). */
class MemorySink : public ByteSink
{
public:
    void write(std::span<const uint8_t> bytes) override;
    bool canSeek() const override { return true; }
    int64_t seek(int64_t offset, int whence) override;
    int64_t size() const override { return static_cast<int64_t>(data.size()); }

    const std::vector<uint8_t>& bytes() const { return data; }
    std::vector<uint8_t> release() { return std::move(data); }

private:
    std::vector<uint8_t> data;
    size_t position = 0;
};

} // namespace capstan
