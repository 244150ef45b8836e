#include "RecordVideoSource.h"

#include "CommandSupport.h"
#include "RecordVisualize.h"

#include <capstan/media/Error.h>

namespace capstan::cli
{

void addVideoSourceOptions(ArgumentParser& parser)
{
    parser
        .option("video-source", "SPEC",
                std::string("also record video from SPEC, in sync with the audio: ") +
                    VideoSourceSpec::acceptedForms() +
                    "; into the outputs whose container takes video (.mp4, .mkv, .mov, streams)")
        .option("video-size", "WxH",
                "--video-source: the size asked of a screen (the region) or camera; a file or graph is scaled "
                "(default: the source's own)")
        .option("video-source-option", "KEY=VALUE",
                "--video-source: an FFmpeg input option, as ffmpeg takes before -i (e.g. draw_mouse=0, "
                "input_format=mjpeg)",
                true)
        .option("fps-mode", "MODE",
                "--video-source: cfr (duplicate or skip frames to a constant frame rate) | vfr (no duplicates; the "
                "container holds a picture until the next) (default cfr)");
}

RecordVideoSource::RecordVideoSource(const ParsedArguments& arguments, RecorderConfig& config,
                                     CallbackDriver::Pacing pacing)
{
    const auto text = arguments.getOptional("video-source");
    if (!text)
    {
        for (const char* name : {"video-size", "fps-mode"})
            if (arguments.getOptional(name))
                throw UsageError(std::string("--") + name + " applies to --video-source, and there is none");
        if (!arguments.getKeyValues("video-source-option").empty())
            throw UsageError("--video-source-option applies to --video-source, and there is none");
        if (arguments.getOptional("fps") && !arguments.getOptional("visualize"))
            throw UsageError("--fps sets the frame rate of the --visualize or --video-source video; add one");
        return;
    }
    if (const auto overlay = arguments.getOptional("visualize"))
        std::tie(overlayWidth, overlayHeight) = parsePictureSize("visualize", *overlay);
    VideoSourceSpec spec = VideoSourceSpec::parse(*text);
    spec.options = arguments.getKeyValues("video-source-option");
    const std::string fpsMode = arguments.get("fps-mode", "cfr");
    if (fpsMode != "cfr" && fpsMode != "vfr")
        throw UsageError("--fps-mode '" + fpsMode + "' is not one of cfr, vfr");
    captureConfig.mode = fpsMode == "vfr" ? FramePacer::Mode::variableFrameRate : FramePacer::Mode::constantFrameRate;
    if (spec.isLive())
    {
        if (pacing != CallbackDriver::Pacing::realtime)
            throw UsageError("--video-source " + *text +
                             " runs at its own clock: record it with --pace realtime (a file or lavfi source can be "
                             "paced fast)");
        captureConfig.timing = VideoCapture::Timing::device;
    }
    else
        captureConfig.timing = pacing == CallbackDriver::Pacing::realtime ? VideoCapture::Timing::realtime
                                                                          : VideoCapture::Timing::audioClock;

    VideoInput::Request request;
    if (const auto rate = arguments.getOptional("fps"))
        request.frameRate = parsePictureRate("fps", *rate);
    else if (spec.kind == VideoSourceSpec::Kind::screen)
        request.frameRate = {30, 1}; // x11grab's own default is 29.97
    int width = 0, height = 0;
    if (const auto size = arguments.getOptional("video-size"))
        std::tie(width, height) = parsePictureSize("video-size", *size);
    request.width = width;
    request.height = height;
    input = std::make_unique<VideoInput>(spec, request);

    // The source's own size and rate unless told otherwise; H.264 in yuv420p needs even sizes.
    VideoSpec video;
    video.width = (width > 0 ? width : input->width()) & ~1;
    video.height = (height > 0 ? height : input->height()) & ~1;
    if (video.width < 2 || video.height < 2)
        throw Error("video source " + spec.describe() + " delivers a picture too small to encode (" +
                    std::to_string(input->width()) + "x" + std::to_string(input->height()) + ")");
    video.frameRate = request.frameRate.isValid()                                            ? request.frameRate
                      : input->frameRate().isValid() && input->frameRate().toDouble() <= 240 ? input->frameRate()
                                                                                             : Rational{30, 1};
    video.format = PixelFormat::yuv420p; // converted once on the capture thread: the encoder takes it as it is
    addVideoStream(config, video, "--video-source");
    if (overlayWidth > video.width || overlayHeight > video.height)
        throw UsageError("--visualize " + std::to_string(overlayWidth) + "x" + std::to_string(overlayHeight) +
                         " is drawn over the --video-source picture and must fit in it (" +
                         std::to_string(video.width) + "x" + std::to_string(video.height) + ")");
}

RecordVideoSource::~RecordVideoSource() = default;

void RecordVideoSource::attach(Recorder& recorder)
{
    if (!input)
        return;
    capture = std::make_unique<VideoCapture>(recorder, *input, captureConfig);
    if (overlayWidth > 0)
        capture->setOverlay(overlayWidth, overlayHeight);
}

void RecordVideoSource::start()
{
    if (capture)
        capture->start();
}

void RecordVideoSource::stop()
{
    if (capture)
        capture->stop();
}

bool RecordVideoSource::audioShouldWait(int64_t audioPosition, int sampleRate) const
{
    if (!capture || captureConfig.timing != VideoCapture::Timing::audioClock || capture->sourceEnded())
        return false;
    return capture->positionReached() < audioPosition - sampleRate / 2;
}

} // namespace capstan::cli
