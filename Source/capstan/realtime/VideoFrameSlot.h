#pragma once

#include <cstddef>
#include <cstdint>

namespace capstan
{

/** A preallocated video frame handed from the producer thread to the encoder thread. */
struct VideoFrameSlot
{
    uint8_t* data = nullptr;
    size_t numBytes = 0;
    int64_t position = 0;   ///< its presentation time on the audio sample clock (given, or the clock at push time)
    int pendingWorkers = 0; ///< encoder thread only: output workers still reading it (back to the free list at 0)
    bool written = false;   ///< encoder thread only: some output wrote it
};

} // namespace capstan
