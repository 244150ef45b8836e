#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace capstan::fuzz
{

/** Reads a fuzzer's bytes as a stream of decisions. Every call succeeds: once the bytes run out, numbers are 0
    (the first choice) and byte runs are empty, so a short input still describes a whole, small case. Small inputs
    map to the first entries of every list, which is where the ordinary values go. */
class FuzzInput
{
public:
    FuzzInput(const uint8_t* data, size_t size) : bytes(data, size) {}

    bool isEmpty() const { return position >= bytes.size(); }
    size_t remaining() const { return bytes.size() - position; }

    uint8_t takeByte();
    bool takeBool() { return (takeByte() & 1) != 0; }
    /** Up to 8 bytes, little-endian. */
    uint64_t takeBits(int numBytes);
    /** An integer in [lowest, highest], from as few bytes as the range needs. */
    int64_t takeInRange(int64_t lowest, int64_t highest);
    /** Any double bit pattern: NaN, infinities, denormals and huge values included. */
    double takeRawDouble();
    /** A length byte, then that many bytes (fewer at the end) as text. */
    std::string takeString(size_t maxLength);
    /** The next `count` bytes (fewer at the end). */
    std::span<const uint8_t> takeBytes(size_t count);
    std::span<const uint8_t> takeRest() { return takeBytes(remaining()); }

    /** One of `choices`; `choices` must not be empty. */
    template <typename T>
    const T& pick(const std::vector<T>& choices)
    {
        return choices[size_t(takeInRange(0, int64_t(choices.size()) - 1))];
    }

private:
    std::span<const uint8_t> bytes;
    size_t position = 0;
};

} // namespace capstan::fuzz
