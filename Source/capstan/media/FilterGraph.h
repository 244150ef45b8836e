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

    ffmpeg::FilterGraphPtr graph;
    AVFilterContext* sourceContext = nullptr;
    AVFilterContext* sinkContext = nullptr;
    std::string description;
};

} // namespace capstan
