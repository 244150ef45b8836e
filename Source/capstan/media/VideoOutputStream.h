#pragma once

#include "Encoder.h"
#include "FilterGraph.h"
#include "StreamWriter.h"

#include <memory>
#include <span>

namespace capstan
{

/** One video stream's pipeline: [filter graph, fps conversion] -> libswscale -> encoder. Timestamps count frames
    at the stream's frame rate; every packet lasts one frame, so the last frame is kept. */
class VideoOutputStream
{
public:
    VideoOutputStream(AVFormatContext* format, const std::string& destination, const VideoStreamConfig& config);

    void write(std::span<const uint8_t> frames, std::optional<double> pts);
    void write(std::span<const uint8_t> frames, std::span<const double> framePts);
    void finish();

    StreamInfo info() const;

private:
    int64_t countFrames(std::span<const uint8_t> frames) const;
    int64_t toFrameUnits(double seconds, const char* what) const;
    void encodeFrame(const uint8_t* data, int64_t pts);
    void convertAndEncode(AVFrame* frame);

    VideoStreamConfig settings;
    Rational encoderRate;
    int64_t frameBytes = 0;
    std::unique_ptr<Encoder> encoder;
    std::unique_ptr<FilterGraph> filter;
    ffmpeg::SwsPtr scaler;
    ffmpeg::FramePtr inputFrame, filteredFrame, encoderFrame;
    int converterWidth = 0, converterHeight = 0;
    int64_t nextPts = 0; // in input frames
};

} // namespace capstan
