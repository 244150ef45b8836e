#pragma once

#include <cstdint>
#include <span>
#include <string>

namespace capstan::fuzz
{

/** An anonymous in-memory file (memfd) with a path FFmpeg can open (/proc/self/fd/N): MediaReader takes paths, and
    the fuzzers must not write to disk for every input or leave files behind. */
class MemoryFile
{
public:
    MemoryFile();
    ~MemoryFile();
    MemoryFile(const MemoryFile&) = delete;
    MemoryFile& operator=(const MemoryFile&) = delete;

    /** Replaces the file's contents with `bytes`. */
    void assign(std::span<const uint8_t> bytes);
    const std::string& path() const { return filePath; }

private:
    int fd = -1;
    std::string filePath;
};

} // namespace capstan::fuzz
