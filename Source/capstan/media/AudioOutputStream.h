#pragma once

#include "Encoder.h"
#include "FilterGraph.h"
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
    const AudioStreamConfig& config() const { return settings; }

private:
    void validate(const AudioData& data) const;
    void writeSilence(int64_t numFrames);
    void process(const uint8_t* const* planes, int numFrames);
    /** Converts to the encoder's format, queues, encodes whole frames; returns the frames queued. */
    int convertAndQueue(const uint8_t* const* planes, int numFrames);
    void encodeQueued(bool final);

    AudioStreamConfig settings;
    std::unique_ptr<Encoder> encoder;
    std::unique_ptr<FilterGraph> filter;
    ffmpeg::SwrPtr resampler;
    ffmpeg::AudioFifoPtr fifo;
    ffmpeg::FramePtr inputFrame, filteredFrame, encoderFrame;
    std::vector<uint8_t*> convertedPlanes;
    int convertedCapacity = 0;

    AVChannelLayout inputLayout{};
    AVSampleFormat converterInputFormat = AV_SAMPLE_FMT_NONE; // after the filter graph
    int converterInputRate = 0;
    AVChannelLayout converterInputLayout{};

    int frameSize = 0;
    int64_t inputFramesWritten = 0; // at the input rate: the clock pts is checked against
    int64_t encoderPts = 0;         // at the encoder rate
};

} // namespace capstan
