#include "TakeVideo.h"

#include <capstan/capture/VideoCapture.h>
#include <capstan/capture/VideoInput.h>
#include <capstan/capture/VideoSourceSpec.h>
#include <capstan/media/Error.h>
#include <capstan/visual/LiveSpectrumVideo.h>

#include <algorithm>
#include <cmath>

namespace capstan
{

namespace
{
bool exclusiveSpec(const VideoSourceSpec& spec)
{
    // V4L2 lets one reader stream at a time: a second open fails with "device busy".
    return spec.kind == VideoSourceSpec::Kind::camera || spec.format == "v4l2";
}
} // namespace

bool TakeVideo::needsExclusiveSource(const TakeSettings& settings)
{
    if (settings.videoSource.empty())
        return false;
    try
    {
        return exclusiveSpec(VideoSourceSpec::parse(settings.videoSource));
    }
    catch (const Error&)
    {
        return false; // opening it will say what is wrong
    }
}

TakeVideo::TakeVideo(const TakeSettings& settings, RecorderConfig& config) : sourceText(settings.videoSource)
{
    if (sourceText.empty())
    {
        config.video = makeVideoSpec(settings); // bgra at the settings' size: what the visualizer draws
        pictureWidth = config.video.width;
        pictureHeight = config.video.height;
        return;
    }
    const VideoSourceSpec spec = VideoSourceSpec::parse(sourceText);
    exclusive = exclusiveSpec(spec);
    live = spec.isLive();
    VideoInput::Request request;
    if (spec.kind == VideoSourceSpec::Kind::screen)
        request.frameRate = settings.videoFrameRate; // x11grab grabs at the rate asked (its own default is 29.97)
    input = std::make_unique<VideoInput>(spec, request);
    holding.store(true, std::memory_order_release);
    description = input->describe();

    // The source's own size and rate unless the settings' size is asked; H.264 in yuv420p needs even sides.
    TakeSettings sized = settings;
    if (!settings.videoSourceScaled)
    {
        sized.videoWidth = input->width() & ~1;
        sized.videoHeight = input->height() & ~1;
        if (sized.videoWidth < 2 || sized.videoHeight < 2)
            throw Error("video source " + spec.describe() + " delivers a picture too small to encode (" +
                        std::to_string(input->width()) + "x" + std::to_string(input->height()) + ")");
    }
    if (spec.kind != VideoSourceSpec::Kind::screen && input->frameRate().isValid() &&
        input->frameRate().toDouble() <= 240.0)
        sized.videoFrameRate = input->frameRate();
    VideoSpec video = makeVideoSpec(sized); // libx264 veryfast/zerolatency, no B-frames, checked size and rate
    video.format = PixelFormat::yuv420p;    // converted once on the capture thread: the encoder takes it as it is
    // About a second of frames, but never more than 256 MiB preallocated (an 8K picture is 50 MB in yuv420p).
    const int64_t frameBytes = int64_t(video.width) * video.height * 3 / 2;
    const int byMemory = int(std::max<int64_t>(4, (int64_t(256) << 20) / std::max<int64_t>(1, frameBytes)));
    video.queueFrames = std::min(std::clamp(int(std::ceil(video.frameRate.toDouble())), 8, 64), byMemory);
    config.video = video;
    pictureWidth = video.width;
    pictureHeight = video.height;
}

TakeVideo::~TakeVideo()
{
    try
    {
        stop();
    }
    catch (...)
    {
        // Destruction must not throw; the take's counters say what happened to the picture.
    }
}

void TakeVideo::attach(Recorder& recorder)
{
    if (input)
    {
        VideoCapture::Config config;
        // A screen, camera or stream runs at its own clock; a file or filter graph is played as live.
        config.timing = live ? VideoCapture::Timing::device : VideoCapture::Timing::realtime;
        std::lock_guard lock(previewMutex);
        capture = std::make_unique<VideoCapture>(recorder, *input, config);
        capture->preview().setEnabled(previewWanted);
        return;
    }
    const auto& video = recorder.config().video;
    spectrum = std::make_unique<LiveSpectrumVideo>(
        recorder, SpectrumVisualizerConfig{.frameRate = video.frameRate, .width = video.width, .height = video.height});
    spectrum->start(); // its tap must be installed before arm()
}

void TakeVideo::start()
{
    if (capture)
        capture->start();
}

void TakeVideo::stop()
{
    if (spectrum)
        spectrum->stop();
    if (!input)
        return;
    std::unique_ptr<VideoCapture> stopping;
    {
        std::lock_guard lock(previewMutex);
        stopping = std::move(capture);
    }
    std::exception_ptr failure;
    if (stopping)
    {
        try
        {
            stopping->stop(); // the last picture fills the take to its end
        }
        catch (...)
        {
            failure = std::current_exception();
        }
        stopping.reset();
    }
    input.reset(); // the device is free for the next take
    holding.store(false, std::memory_order_release);
    if (failure)
        std::rethrow_exception(failure);
}

void TakeVideo::setPreviewEnabled(bool enabled)
{
    std::lock_guard lock(previewMutex);
    previewWanted = enabled;
    if (capture)
        capture->preview().setEnabled(enabled);
}

bool TakeVideo::takePreview(std::vector<uint8_t>& bgra, int width, int height, int64_t& sequence)
{
    std::lock_guard lock(previewMutex);
    return capture && capture->preview().take(bgra, width, height, sequence);
}

} // namespace capstan
