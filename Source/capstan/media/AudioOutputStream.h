#pragma once

#include "Encoder.h"
#include "FilterGraph.h"
#include "SampleRepair.h"
#include "StreamWriter.h"

#include <memory>
#include <optional>
#include <vector>

namespace capstan
{

/** One audio stream's pipeline: [filter graph] -> libswresample -> AVAudioFifo -> encoder.
    The FIFO re-chunks whatever the caller writes into frames of exactly the encoder's frame size, so the encoded
    bytes do not depend on how the input was chunked; only finish() lets a short last frame through. */
class AudioOutputStream
{
public:
    AudioOutputStream(AVFormatContext* format, const std::string& destination, const AudioStreamConfig& config);
    ~AudioOutputStream();

    void write(const AudioData& data, std::optional<double> pts);
    /** Flushes the filter, the resampler and the FIFO and drains the encoder. */
    void finish();

    StreamInfo info() const;
    /** What was repaired so far (non-finite samples, absurd magnitudes), on this stream's input clock. */
    const SampleRepairs& repairs() const { return repaired; }
    const AudioStreamConfig& config() const { return settings; }

private:
    /** The constructor's work: negotiates formats and opens the encoder. */
    void configure(AVFormatContext* format, const std::string& destination, const AudioStreamConfig& config);
    void validate(const AudioData& data) const;
    void writeSilence(int64_t numFrames);
    void process(const uint8_t* const* planes, int numFrames);
    /** Converts to the encoder's format, queues, encodes whole frames; returns the frames queued. */
    int convertAndQueue(const uint8_t* const* planes, int numFrames);
    void encodeQueued(bool final);
    /** PCM into a container that stores samples back to back: encodes a whole write as one packet, without the
        FIFO, when nothing is queued before it. `owner` holds the samples (the encoder takes a reference instead of a
        copy); null for the caller's read-only buffer. False when it cannot (too short, or a read-only buffer whose
        samples need a repair): then the FIFO takes them. */
    bool encodeWhole(const uint8_t* const* planes, int numFrames, AVBufferRef* owner);
    /** Repairs the filter graph's output, then converts and queues it. */
    void queueFiltered();

    AudioStreamConfig settings;
    std::unique_ptr<Encoder> encoder;
    std::unique_ptr<FilterGraph> filter;
    ffmpeg::SwrPtr resampler;
    ffmpeg::AudioFifoPtr fifo;
    ffmpeg::FramePtr inputFrame, filteredFrame, encoderFrame;
    std::vector<uint8_t*> convertedPlanes; // into convertedBuffer
    ffmpeg::BufferPtr convertedBuffer;
    int convertedCapacity = 0;

    AVChannelLayout inputLayout{};
    AVSampleFormat converterInputFormat = AV_SAMPLE_FMT_NONE; // after the filter graph
    int converterInputRate = 0;
    AVChannelLayout converterInputLayout{};

    // Sample repair at each point where a bad value could do harm: the caller's samples (before a filter can spread
    // a NaN through its state), the filter graph's output (volume=1e39 makes Inf from finite input) and the
    // encoder's frame (a downmix or the resampler can overshoot the limit).
    std::optional<SampleRepair> entryRepair, filterRepair, encoderRepair;
    SampleRepairs repaired;
    std::vector<uint8_t> repairScratch;
    std::vector<uint8_t*> repairPlanes;
    int64_t filterOutputFrames = 0; // at the filter graph's output rate

    int frameSize = 0;
    int encoderFrameCapacity = 0; // samples encoderFrame's buffer holds
    // PCM into wav, w64, aiff or au: the file is the samples back to back whatever the packets, so a packet may hold
    // any number of samples (at least frameSize but the last) and the bytes still do not depend on the chunking.
    bool packetsFollowWrites = false;
    ffmpeg::FramePtr wholeFrame;    // points at a write's converted samples (not reference-counted)
    int64_t inputFramesWritten = 0; // at the input rate: the clock pts is checked against
    int64_t encoderPts = 0;         // at the encoder rate
};

} // namespace capstan
