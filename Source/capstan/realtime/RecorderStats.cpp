#include "RecorderStats.h"

#include "JsonText.h"

#include <algorithm>
#include <cstdio>
#include <cstring>

namespace capstan
{

void RecorderStats::addDrop(DropInterval interval) noexcept
{
    const int64_t index = dropIntervalCount.load(std::memory_order_relaxed);
    if (index < maxListedDrops)
    {
        dropSlots[size_t(2 * index)].store(interval.position, std::memory_order_relaxed);
        dropSlots[size_t(2 * index + 1)].store(interval.numFrames, std::memory_order_relaxed);
    }
    dropIntervalCount.store(index + 1, std::memory_order_release);
}

void RecorderStats::setError(const std::string& message) noexcept
{
    if (hasError.load(std::memory_order_relaxed))
        return;
    const size_t n = std::min(message.size(), errorText.size() - 1);
    std::memcpy(errorText.data(), message.data(), n);
    errorText[n] = 0;
    hasError.store(true, std::memory_order_release);
}

RecorderStats::Snapshot RecorderStats::snapshot() const
{
    Snapshot s;
    s.sampleRate = sampleRate.load(std::memory_order_relaxed);
    s.callbacks = callbacks.load(std::memory_order_relaxed);
    s.framesPushed = framesPushed.load(std::memory_order_relaxed);
    s.droppedFrames = droppedFrames.load(std::memory_order_relaxed);
    s.dropCount = dropCount.load(std::memory_order_relaxed);
    s.channelMismatches = channelMismatches.load(std::memory_order_relaxed);
    if (fillSource != nullptr && fillReader != nullptr)
        s.queueFill = fillReader(fillSource);
    s.queueHighWater = queueHighWater.load(std::memory_order_relaxed);
    s.queueCapacity = queueCapacity.load(std::memory_order_relaxed);
    s.blocksWritten = blocksWritten.load(std::memory_order_relaxed);
    s.framesWritten = framesWritten.load(std::memory_order_relaxed);
    s.silenceFrames = silenceFrames.load(std::memory_order_relaxed);
    s.dropIntervals = dropIntervalCount.load(std::memory_order_acquire);
    for (int64_t i = 0; i < std::min<int64_t>(s.dropIntervals, maxListedDrops); ++i)
        s.drops.push_back({dropSlots[size_t(2 * i)].load(std::memory_order_relaxed),
                           dropSlots[size_t(2 * i + 1)].load(std::memory_order_relaxed)});
    s.bytesWritten = bytesWritten.load(std::memory_order_relaxed);
    s.diskFreeBytes = diskFreeBytes.load(std::memory_order_relaxed);
    s.secondsUntilDiskFull = secondsUntilDiskFull.load(std::memory_order_relaxed);
    s.writeErrors = writeErrors.load(std::memory_order_relaxed);
    if (hasError.load(std::memory_order_acquire))
        s.firstError = errorText.data();
    s.segments = segments.load(std::memory_order_relaxed);
    s.videoFramesWritten = videoFramesWritten.load(std::memory_order_relaxed);
    s.videoFramesDropped = videoFramesDropped.load(std::memory_order_relaxed);
    const int64_t lag = std::max<int64_t>(0, s.framesPushed - clockConsumed.load(std::memory_order_relaxed));
    s.encoderLagSeconds = s.sampleRate > 0 ? double(lag) / s.sampleRate : 0.0;
    return s;
}

std::string RecorderStats::Snapshot::toJson() const
{
    std::string dropsJson = "[";
    for (size_t i = 0; i < drops.size(); ++i)
        dropsJson += (i ? "," : "") + std::string("{\"frame\":") + std::to_string(drops[i].position) +
                     ",\"frames\":" + std::to_string(drops[i].numFrames) + "}";
    dropsJson += "]";

    char numbers[1024];
    std::snprintf(numbers, sizeof(numbers),
                  "{\"sampleRate\":%d,\"callbacks\":%lld,\"framesPushed\":%lld,\"secondsPushed\":%.6f,"
                  "\"droppedFrames\":%lld,\"dropCount\":%lld,\"channelMismatches\":%lld,\"queueFill\":%d,"
                  "\"queueHighWater\":%d,\"queueCapacity\":%d,\"blocksWritten\":%lld,\"framesWritten\":%lld,"
                  "\"silenceFrames\":%lld,\"dropIntervals\":%lld,\"encoderLagSeconds\":%.6f,\"bytesWritten\":%lld,"
                  "\"diskFreeBytes\":%lld,\"secondsUntilDiskFull\":%.1f,\"writeErrors\":%lld,\"segments\":%lld,"
                  "\"videoFramesWritten\":%lld,\"videoFramesDropped\":%lld,",
                  sampleRate, (long long)callbacks, (long long)framesPushed, secondsPushed(), (long long)droppedFrames,
                  (long long)dropCount, (long long)channelMismatches, queueFill, queueHighWater, queueCapacity,
                  (long long)blocksWritten, (long long)framesWritten, (long long)silenceFrames,
                  (long long)dropIntervals, encoderLagSeconds, (long long)bytesWritten, (long long)diskFreeBytes,
                  secondsUntilDiskFull, (long long)writeErrors, (long long)segments, (long long)videoFramesWritten,
                  (long long)videoFramesDropped);
    return numbers + std::string("\"drops\":") + dropsJson +
           ",\"error\":" + (firstError.empty() ? std::string("null") : jsonQuote(firstError)) + "}";
}

} // namespace capstan
