#pragma once

#include "FfmpegHandles.h"

#include <string>

namespace capstan
{

/** A libavfilter graph with one buffer source and one buffer sink: `buffer -> description -> buffersink`.
    Configured at construction, so its output format is known before the encoder is chosen. */
class FilterGraph
{
public:
    struct AudioInput
    {
        AVSampleFormat format;
        int sampleRate;
        AVChannelLayout layout;
    };
    struct VideoInput
    {
        AVPixelFormat format;
        int width;
        int height;
        AVRational timeBase;
        AVRational frameRate;
        AVRational pixelAspect{1, 1}; ///< 0/1: unknown
    };

    FilterGraph(const std::string& description, const AudioInput& input);
    FilterGraph(const std::string& description, const VideoInput& input);

    /** Feeds one frame; nullptr signals the end of the stream. */
    void push(AVFrame* frame);

    /** Takes the next filtered frame into `out` (unreferenced first); false when none is ready. */
    bool pull(AVFrame* out);

    AVFilterContext* sink() const { return sinkContext; }
    AVRational outputTimeBase() const;

private:
    void build(const std::string& description, const char* sourceName, const std::string& sourceArgs,
               const char* sinkName);
    /** After a failure: "filter 'hflip' is a video filter and this stream is audio; ..." when a filter of the
        description has pads of the other kind, else empty. */
    std::string describeMediaMismatch() const;
    /** checkFfmpeg with describeMediaMismatch() added to the message. */
    void check(int result, const std::string& context) const;

    ffmpeg::FilterGraphPtr graph;
    AVFilterContext* sourceContext = nullptr;
    AVFilterContext* sinkContext = nullptr;
    std::string description;
    AVMediaType streamType = AVMEDIA_TYPE_AUDIO;
};

} // namespace capstan
