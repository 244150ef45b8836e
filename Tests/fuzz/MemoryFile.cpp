#include "MemoryFile.h"

#include <cerrno>
#include <cstring>
#include <stdexcept>

#include <sys/mman.h>
#include <unistd.h>

namespace capstan::fuzz
{

MemoryFile::MemoryFile()
{
    fd = memfd_create("capstan-fuzz-input", MFD_CLOEXEC);
    if (fd < 0)
        throw std::runtime_error(std::string("memfd_create failed: ") + std::strerror(errno));
    filePath = "/proc/self/fd/" + std::to_string(fd);
}

MemoryFile::~MemoryFile()
{
    close(fd);
}

void MemoryFile::assign(std::span<const uint8_t> bytes)
{
    // A harness failure, not a finding: std::runtime_error is deliberately not what the targets catch.
    if (ftruncate(fd, 0) != 0)
        throw std::runtime_error(std::string("ftruncate failed: ") + std::strerror(errno));
    size_t done = 0;
    while (done < bytes.size())
    {
        const ssize_t n = pwrite(fd, bytes.data() + done, bytes.size() - done, off_t(done));
        if (n <= 0)
            throw std::runtime_error(std::string("pwrite failed: ") + std::strerror(errno));
        done += size_t(n);
    }
}

} // namespace capstan::fuzz
