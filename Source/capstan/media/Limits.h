#pragma once

#include "Formats.h"

#include <cstdint>

/** The accepted ranges of Capstan's numeric settings, in one place so that the library, the command-line tool and
    the Python module check and name the same numbers. A value outside its range is refused with a
    capstan::RangeError that names the range; nothing is clamped silently. */
namespace capstan::limits
{

/** Bit rates, bits per second. 1 kbit/s is below the lowest rate any FFmpeg encoder uses (8 kHz speech codecs). */
constexpr int64_t minBitRate = 1'000;
/** Audio: 10 Mbit/s is above 8-channel lossy audio at its best settings (PCM and lossless encoders ignore it). */
constexpr int64_t maxAudioBitRate = 10'000'000;
/** Video: 1 Gbit/s is above what 8K intermediate codecs use. */
constexpr int64_t maxVideoBitRate = 1'000'000'000;

/** compressionLevel for encoders without a known range of their own (most ignore it). */
constexpr int maxGenericCompressionLevel = 100;
/** qscale for encoders without a known range of their own. FFmpeg's lambda tops out near 277 * FF_QP2LAMBDA. */
constexpr int maxGenericQscale = 255;

/** Frames between key frames: 0 (every frame is a key frame) .. 100000 (about 55 minutes at 30 fps). */
constexpr int maxGopSize = 100'000;
/** Consecutive B-frames: FFmpeg's own maximum (MAX_B_FRAMES). */
constexpr int maxBFrames = 16;

/** Video frame rates: one frame an hour (time-lapse) .. 1000 fps (high-speed capture), as exact ratios. */
constexpr Rational minFrameRate{1, 3600};
constexpr int maxFrameRate = 1000;
/** Video width and height, each 1 .. 16384 pixels (more than 8K and within every encoder's limits). */
constexpr int maxVideoDimension = 16384;
/** Video pts, seconds: 0 .. 1e9 (about 31 years), so that times in frame units never overflow. */
constexpr double maxVideoPtsSeconds = 1e9;

/** Audio sample rates, Hz: 1 kHz .. 768 kHz, the highest rate real converters run at. Below 1 kHz nothing real
    records, and FFmpeg's own filters abort the process (atempo at 10 Hz fails an assertion). */
constexpr int minSampleRate = 1'000;
constexpr int maxSampleRate = 768'000;
/** Audio channels: 1 .. 64. */
constexpr int maxAudioChannels = 64;
/** Silence one audio pts jump may insert, seconds: a typo (pts=1e9) must not start writing 31 years of it. */
constexpr double maxAudioPtsGapSeconds = 3600;

/** A custom sink's I/O buffer, bytes: 1 .. 64 MiB. */
constexpr int maxSinkBufferSize = 64 << 20;

} // namespace capstan::limits
