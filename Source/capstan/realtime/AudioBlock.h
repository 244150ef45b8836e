#pragma once

#include <cstdint>

namespace capstan
{

/** A preallocated block of planar float audio handed from the audio thread to the encoder thread, which shares it
    read-only with the output workers. */
struct AudioBlock
{
    float* data = nullptr;  ///< channel c starts at data + c * capacity
    int capacity = 0;       ///< frames per channel
    int numFrames = 0;      ///< frames filled
    int64_t position = 0;   ///< audio sample clock of the first frame
    bool recording = false; ///< false: pre-roll material captured while armed
    int pendingWorkers = 0; ///< encoder thread only: output workers still reading it (back to the pool at 0)

    float* channel(int c) noexcept { return data + static_cast<int64_t>(c) * capacity; }
    const float* channel(int c) const noexcept { return data + static_cast<int64_t>(c) * capacity; }
};

} // namespace capstan
