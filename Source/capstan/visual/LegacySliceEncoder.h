#pragma once

#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <vector>

namespace capstan
{

/** What a pre-FFmpeg-5 writer did with audio written in slices, reproduced for the slicing study.

    Old writers (torchaudio's StreamWriter on FFmpeg 4.x among them) cut every write into encoder frames and handed
    the encoder the write's remainder as a short frame. What happened next depended on the encoder:
    - `aac` and `libopus` accepted the short frame and zero-filled it to frame_size, so every write whose length was
      not a multiple of frame_size inserted silence into the stream;
    - `libmp3lame` passed the samples to LAME, which keeps its own input buffer and only encodes whole frames, so the
      slicing did not show.
    FFmpeg 5.1 refuses short non-last frames, so this class does the zero fill itself and sends whole frames to the
    FFmpeg encoder (aac, libopus), and for libmp3lame calls the system's LAME library directly (loaded at run time
    from libmp3lame.so.0, the library FFmpeg's own wrapper uses) with each slice as it comes.

    Mono float input. Output: mp4 (aac), ogg (libopus) or a raw MP3 stream (libmp3lame). */
class LegacySliceEncoder
{
public:
    /** Encodes `samples` written `sliceSize` samples at a time (0: all at once) into `file`. */
    static void encode(const std::string& encoder, std::span<const float> samples, int sampleRate, int64_t bitRate,
                       int64_t sliceSize, const std::filesystem::path& file);

    /** The same slicing as a map of what the encoder received: for each input sample, its position in the stream
        the encoder saw (after the zero fill); and the number and total length of the zero runs inserted. */
    struct Layout
    {
        std::vector<int64_t> position;
        int64_t gapCount = 0;
        int64_t gapSamples = 0;
    };
    static Layout layoutFor(const std::string& encoder, int64_t numSamples, int64_t sliceSize, int frameSize);

    /** The encoder's frame size at this rate (1024 for aac, 960 for libopus at 48 kHz, 1152 for libmp3lame). */
    static int frameSizeOf(const std::string& encoder, int sampleRate, int64_t bitRate);

    /** True when the encoder zero-filled short frames before FFmpeg 5 (aac, libopus). */
    static bool zeroFills(const std::string& encoder);
};

} // namespace capstan
