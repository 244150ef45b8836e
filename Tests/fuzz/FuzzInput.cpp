#include "FuzzInput.h"

#include <algorithm>
#include <bit>

namespace capstan::fuzz
{

uint8_t FuzzInput::takeByte()
{
    return isEmpty() ? 0 : bytes[position++];
}

uint64_t FuzzInput::takeBits(int numBytes)
{
    uint64_t value = 0;
    for (int i = 0; i < numBytes; ++i)
        value |= uint64_t(takeByte()) << (8 * i);
    return value;
}

int64_t FuzzInput::takeInRange(int64_t lowest, int64_t highest)
{
    if (highest <= lowest)
        return lowest;
    const uint64_t span = uint64_t(highest) - uint64_t(lowest);
    const int numBytes = span == ~uint64_t(0) ? 8 : (std::bit_width(span) + 7) / 8;
    const uint64_t value = takeBits(numBytes);
    // Modulo keeps every value reachable; its slight bias does not matter to a fuzzer.
    return int64_t(uint64_t(lowest) + (span == ~uint64_t(0) ? value : value % (span + 1)));
}

double FuzzInput::takeRawDouble()
{
    return std::bit_cast<double>(takeBits(8));
}

std::string FuzzInput::takeString(size_t maxLength)
{
    const auto length = std::min<size_t>(takeByte(), maxLength);
    const auto run = takeBytes(length);
    return std::string(run.begin(), run.end());
}

std::span<const uint8_t> FuzzInput::takeBytes(size_t count)
{
    const auto run = bytes.subspan(position, std::min(count, remaining()));
    position += run.size();
    return run;
}

} // namespace capstan::fuzz
