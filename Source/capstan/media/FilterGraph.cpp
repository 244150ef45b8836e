#include "FilterGraph.h"

#include "Error.h"

extern "C"
{
#include <libavfilter/buffersink.h>
#include <libavfilter/buffersrc.h>
#include <libavutil/channel_layout.h>
#include <libavutil/pixdesc.h>
}

namespace capstan
{

FilterGraph::FilterGraph(const std::string& desc, const AudioInput& input)
{
    char layoutName[128] = {};
    av_channel_layout_describe(&input.layout, layoutName, sizeof(layoutName));
    const std::string args = "time_base=1/" + std::to_string(input.sampleRate) +
                             ":sample_rate=" + std::to_string(input.sampleRate) +
                             ":sample_fmt=" + av_get_sample_fmt_name(input.format) + ":channel_layout=" + layoutName;
    streamType = AVMEDIA_TYPE_AUDIO;
    build(desc.empty() ? "anull" : desc, "abuffer", args, "abuffersink");
}

FilterGraph::FilterGraph(const std::string& desc, const VideoInput& input)
{
    const std::string args =
        "video_size=" + std::to_string(input.width) + "x" + std::to_string(input.height) +
        ":pix_fmt=" + std::to_string(static_cast<int>(input.format)) +
        ":time_base=" + std::to_string(input.timeBase.num) + "/" + std::to_string(input.timeBase.den) +
        ":frame_rate=" + std::to_string(input.frameRate.num) + "/" + std::to_string(input.frameRate.den) +
        ":pixel_aspect=" + std::to_string(input.pixelAspect.num) + "/" + std::to_string(input.pixelAspect.den);
    streamType = AVMEDIA_TYPE_VIDEO;
    build(desc.empty() ? "null" : desc, "buffer", args, "buffersink");
}

void FilterGraph::build(const std::string& desc, const char* sourceName, const std::string& sourceArgs,
                        const char* sinkName)
{
    description = desc;
    graph.reset(avfilter_graph_alloc());
    if (!graph)
        throw Error("out of memory allocating a filter graph");
    // Encoding runs on its own threads where the encoder wants them; the graph stays single-threaded so that
    // filtering cost is predictable.
    graph->nb_threads = 1;

    checkFfmpeg(avfilter_graph_create_filter(&sourceContext, avfilter_get_by_name(sourceName), "in", sourceArgs.c_str(),
                                             nullptr, graph.get()),
                "cannot create the filter graph's source (" + sourceArgs + ")");
    checkFfmpeg(avfilter_graph_create_filter(&sinkContext, avfilter_get_by_name(sinkName), "out", nullptr, nullptr,
                                             graph.get()),
                "cannot create the filter graph's sink");

    ffmpeg::FilterInOutPtr outputs(avfilter_inout_alloc());
    ffmpeg::FilterInOutPtr inputs(avfilter_inout_alloc());
    if (!outputs || !inputs)
        throw Error("out of memory allocating filter graph endpoints");
    outputs->name = av_strdup("in");
    outputs->filter_ctx = sourceContext;
    inputs->name = av_strdup("out");
    inputs->filter_ctx = sinkContext;

    AVFilterInOut* in = inputs.release();
    AVFilterInOut* out = outputs.release();
    const int parsed = avfilter_graph_parse_ptr(graph.get(), desc.c_str(), &in, &out, nullptr);
    avfilter_inout_free(&in);
    avfilter_inout_free(&out);
    check(parsed, "invalid filter description '" + desc +
                      "' (expected libavfilter syntax with one input and one output, e.g. \"volume=0.5\")");
    check(avfilter_graph_config(graph.get(), nullptr), "cannot configure the filter graph '" + desc + "'");
}

void FilterGraph::check(int result, const std::string& context) const
{
    if (result >= 0)
        return;
    // A filter of the wrong kind is the likely mistake: say that first, FFmpeg's link error after it.
    const std::string mismatch = describeMediaMismatch();
    if (!mismatch.empty())
        throw Error("filter description '" + description + "': " + mismatch +
                        " (FFmpeg: " + describeFfmpegFailure(result) + ")",
                    result);
    throw Error(context + ": " + describeFfmpegFailure(result), result);
}

std::string FilterGraph::describeMediaMismatch() const
{
    // Parse the description alone into a scratch graph: its filters exist there with their pads, unlinked.
    ffmpeg::FilterGraphPtr scratch(avfilter_graph_alloc());
    AVFilterInOut* inputs = nullptr;
    AVFilterInOut* outputs = nullptr;
    const int parsed = scratch ? avfilter_graph_parse2(scratch.get(), description.c_str(), &inputs, &outputs) : -1;
    avfilter_inout_free(&inputs);
    avfilter_inout_free(&outputs);
    if (parsed < 0)
        return {};

    const bool audio = streamType == AVMEDIA_TYPE_AUDIO;
    const char* stream = audio ? "audio" : "video";
    const char* other = audio ? "video" : "audio";
    const std::string advice = audio ? "; give an audio filter (e.g. volume=0.5, aresample=48000, atempo=1.25, "
                                       "highpass=f=80; `ffmpeg -filters` marks them A->A)"
                                     : "; give a video filter (e.g. hflip, scale=640:360, fps=30, "
                                       "drawbox; `ffmpeg -filters` marks them V->V)";
    for (unsigned i = 0; i < scratch->nb_filters; ++i)
    {
        const AVFilterContext* f = scratch->filters[i];
        const bool inOther = f->nb_inputs > 0 && avfilter_pad_get_type(f->input_pads, 0) != streamType;
        const bool outOther = f->nb_outputs > 0 && avfilter_pad_get_type(f->output_pads, 0) != streamType;
        const std::string name = "filter '" + std::string(f->filter->name) + "'";
        if (inOther && (outOther || f->nb_outputs == 0))
            return name + " is " + (audio ? "a video" : "an audio") + " filter and this stream is " + stream + advice;
        if (outOther)
            return name + " turns " + stream + " into " + other + ", but a " + stream + " stream needs " + stream +
                   " out of its filters" + advice;
        if (inOther)
            return name + " takes " + other + ", but this stream is " + stream + advice;
    }
    return {};
}

void FilterGraph::push(AVFrame* frame)
{
    checkFfmpeg(av_buffersrc_write_frame(sourceContext, frame), "filter graph '" + description + "' rejected a frame");
}

bool FilterGraph::pull(AVFrame* out)
{
    av_frame_unref(out);
    const int result = av_buffersink_get_frame(sinkContext, out);
    if (result == AVERROR(EAGAIN) || result == AVERROR_EOF)
        return false;
    checkFfmpeg(result, "filter graph '" + description + "' failed");
    return true;
}

AVRational FilterGraph::outputTimeBase() const
{
    return av_buffersink_get_time_base(sinkContext);
}

} // namespace capstan
