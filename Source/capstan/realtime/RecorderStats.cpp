#include "RecorderStats.h"

#include "JsonText.h"

#include <algorithm>
#include <cstdio>
#include <cstring>

namespace capstan
{

const char* OutputCounters::name(State state)
{
    switch (state)
    {
    case State::idle:
        return "idle";
    case State::writing:
        return "writing";
    case State::connecting:
        return "connecting";
    case State::connected:
        return "connected";
    case State::retrying:
        return "retrying";
    case State::failed:
        return "failed";
    case State::closed:
        return "closed";
    }
    return "?";
}

void OutputCounters::describe(const std::string& destination, bool network)
{
    std::lock_guard lock(textMutex);
    destinationText = destination;
    isNetwork = network;
}

void OutputCounters::setLastError(const std::string& message)
{
    std::lock_guard lock(textMutex);
    lastErrorText = message;
}

OutputCounters::Snapshot OutputCounters::snapshot(int sampleRate) const
{
    Snapshot s;
    {
        std::lock_guard lock(textMutex);
        s.destination = destinationText;
        s.network = isNetwork;
        s.lastError = lastErrorText;
    }
    const double rate = sampleRate > 0 ? double(sampleRate) : 1.0;
    s.state = state.load(std::memory_order_relaxed);
    s.framesWritten = framesWritten.load(std::memory_order_relaxed);
    s.framesNotSent = framesNotSent.load(std::memory_order_relaxed);
    s.secondsNotSent = double(s.framesNotSent) / rate;
    s.videoFramesNotSent = videoFramesNotSent.load(std::memory_order_relaxed);
    s.disconnects = disconnects.load(std::memory_order_relaxed);
    s.reconnects = reconnects.load(std::memory_order_relaxed);
    s.backlogSeconds = double(backlogFrames.load(std::memory_order_relaxed)) / rate;
    const int64_t resumed = resumedAtFrame.load(std::memory_order_relaxed);
    s.resumedAtSeconds = resumed >= 0 ? double(resumed) / rate : -1.0;
    s.bytesWritten = bytesWritten.load(std::memory_order_relaxed);
    s.nonFiniteSamples = nonFiniteSamples.load(std::memory_order_relaxed);
    s.clippedSamples = clippedSamples.load(std::memory_order_relaxed);
    s.repairIntervals = repairIntervals.load(std::memory_order_relaxed);
    const int64_t firstRepair = firstRepairFrame.load(std::memory_order_relaxed);
    s.firstRepairSeconds = firstRepair >= 0 ? double(firstRepair) / rate : -1.0;
    s.destinationExists = destinationExists.load(std::memory_order_relaxed);
    return s;
}

std::string OutputCounters::Snapshot::toJson(int sampleRate) const
{
    char numbers[768];
    std::snprintf(numbers, sizeof(numbers),
                  ",\"network\":%s,\"state\":\"%s\",\"framesWritten\":%lld,\"framesNotSent\":%lld,"
                  "\"secondsNotSent\":%.6f,\"videoFramesNotSent\":%lld,\"disconnects\":%lld,\"reconnects\":%lld,"
                  "\"backlogSeconds\":%.6f,\"resumedAtSeconds\":%.6f,\"bytesWritten\":%lld,\"sampleRate\":%d,"
                  "\"nonFiniteSamples\":%lld,\"clippedSamples\":%lld,\"repairIntervals\":%lld,"
                  "\"firstRepairSeconds\":%.6f,\"destinationExists\":%s,",
                  network ? "true" : "false", stateName(), (long long)framesWritten, (long long)framesNotSent,
                  secondsNotSent, (long long)videoFramesNotSent, (long long)disconnects, (long long)reconnects,
                  backlogSeconds, resumedAtSeconds, (long long)bytesWritten, sampleRate, (long long)nonFiniteSamples,
                  (long long)clippedSamples, (long long)repairIntervals, firstRepairSeconds,
                  destinationExists ? "true" : "false");
    return "{\"destination\":" + jsonQuote(destination) + numbers +
           "\"lastError\":" + (lastError.empty() ? std::string("null") : jsonQuote(lastError)) + "}";
}

OutputCounters& RecorderStats::output(int index)
{
    auto& counters = outputCounters[size_t(std::clamp(index, 0, maxOutputs - 1))];
    numOutputs.store(std::max(numOutputs.load(std::memory_order_relaxed), std::min(index + 1, maxOutputs)),
                     std::memory_order_release);
    return counters;
}

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
    // Several output workers may fail at once: the first to claim the slot writes it.
    if (errorClaimed.exchange(true, std::memory_order_acq_rel))
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
    for (int i = 0; i < numOutputs.load(std::memory_order_acquire); ++i)
    {
        s.outputs.push_back(outputCounters[size_t(i)].snapshot(s.sampleRate));
        const auto& o = s.outputs.back();
        s.nonFiniteSamples = std::max(s.nonFiniteSamples, o.nonFiniteSamples);
        s.clippedSamples = std::max(s.clippedSamples, o.clippedSamples);
        if (o.firstRepairSeconds >= 0 && (s.firstRepairSeconds < 0 || o.firstRepairSeconds < s.firstRepairSeconds))
            s.firstRepairSeconds = o.firstRepairSeconds;
    }
    s.videoSource = videoSource.snapshot();
    const auto level = signal.snapshot();
    s.peaks = level.peaks;
    s.maxPeak = level.maxPeak;
    s.fullScaleSamples = level.fullScaleSamples;
    s.silenceWarnings = level.silenceWarnings;
    s.silentSeconds = level.silentSeconds;
    s.signalWarning = level.current.describe(s.sampleRate);
    s.lastSignalWarning = level.last.describe(s.sampleRate);
    const int64_t lag = std::max<int64_t>(0, s.framesPushed - clockConsumed.load(std::memory_order_relaxed));
    s.encoderLagSeconds = s.sampleRate > 0 ? double(lag) / s.sampleRate : 0.0;
    return s;
}

double RecorderStats::Snapshot::peakDbfs() const
{
    float loudest = 0;
    for (const float p : peaks)
        loudest = std::max(loudest, p);
    return toDbfs(loudest);
}

namespace
{
/** A level in dBFS for JSON, which has no -inf: null for silence. */
std::string dbfsJson(float peak)
{
    if (!(peak > 0))
        return "null";
    char text[32];
    std::snprintf(text, sizeof(text), "%.2f", toDbfs(peak));
    return text;
}

std::string optionalText(const std::string& text)
{
    return text.empty() ? std::string("null") : jsonQuote(text);
}
} // namespace

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
                  "\"videoFramesWritten\":%lld,\"videoFramesDropped\":%lld,\"nonFiniteSamples\":%lld,"
                  "\"clippedSamples\":%lld,\"firstRepairSeconds\":%.6f,",
                  sampleRate, (long long)callbacks, (long long)framesPushed, secondsPushed(), (long long)droppedFrames,
                  (long long)dropCount, (long long)channelMismatches, queueFill, queueHighWater, queueCapacity,
                  (long long)blocksWritten, (long long)framesWritten, (long long)silenceFrames,
                  (long long)dropIntervals, encoderLagSeconds, (long long)bytesWritten, (long long)diskFreeBytes,
                  secondsUntilDiskFull, (long long)writeErrors, (long long)segments, (long long)videoFramesWritten,
                  (long long)videoFramesDropped, (long long)nonFiniteSamples, (long long)clippedSamples,
                  firstRepairSeconds);
    std::string outputsJson = "[";
    for (size_t i = 0; i < outputs.size(); ++i)
    {
        if (i > 0)
            outputsJson += ',';
        outputsJson += outputs[i].toJson(sampleRate);
    }
    outputsJson += "]";
    std::string peaksJson = "[", peaksDbfsJson = "[";
    for (size_t i = 0; i < peaks.size(); ++i)
    {
        char value[32];
        std::snprintf(value, sizeof(value), "%s%.6g", i ? "," : "", double(peaks[i]));
        peaksJson += value;
        peaksDbfsJson += (i ? "," : "") + dbfsJson(peaks[i]);
    }
    char signalNumbers[256];
    std::snprintf(signalNumbers, sizeof(signalNumbers),
                  "\"maxPeak\":%.6g,\"fullScaleSamples\":%lld,\"silenceWarnings\":%lld,\"silentSeconds\":%.3f,",
                  double(maxPeak), (long long)fullScaleSamples, (long long)silenceWarnings, silentSeconds);
    const std::string signalJson = "\"peaks\":" + peaksJson + "],\"peaksDbfs\":" + peaksDbfsJson + "]," +
                                   signalNumbers + "\"maxPeakDbfs\":" + dbfsJson(maxPeak) +
                                   ",\"signalWarning\":" + optionalText(signalWarning) +
                                   ",\"lastSignalWarning\":" + optionalText(lastSignalWarning) + ",";
    return numbers + signalJson + std::string("\"drops\":") + dropsJson + ",\"outputs\":" + outputsJson +
           ",\"videoSource\":" + videoSource.toJson() +
           ",\"error\":" + (firstError.empty() ? std::string("null") : jsonQuote(firstError)) + "}";
}

} // namespace capstan
