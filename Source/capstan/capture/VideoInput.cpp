#include "VideoInput.h"

#include <capstan/media/Error.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

namespace capstan
{
namespace
{
std::string joined(const std::vector<std::string>& items)
{
    std::string text;
    for (const auto& item : items)
        text += (text.empty() ? "" : ", ") + item;
    return text;
}

bool hasOption(const Options& options, const std::string& key)
{
    return std::any_of(options.begin(), options.end(), [&](const auto& option) { return option.first == key; });
}

std::string rateText(Rational rate)
{
    return rate.den == 1 ? std::to_string(rate.num) : std::to_string(rate.num) + "/" + std::to_string(rate.den);
}
} // namespace

std::vector<std::string> VideoInput::listCameras()
{
    std::vector<std::string> cameras;
    std::error_code ignored;
    for (const auto& entry : std::filesystem::directory_iterator("/dev", ignored))
    {
        const std::string name = entry.path().filename().string();
        if (name.rfind("video", 0) != 0)
            continue;
        std::string label = entry.path().string();
        std::ifstream sysName("/sys/class/video4linux/" + name + "/name");
        if (std::string model; std::getline(sysName, model) && !model.empty())
            label.append(" (").append(model).append(")");
        cameras.push_back(label);
    }
    std::sort(cameras.begin(), cameras.end());
    return cameras;
}

std::vector<std::string> VideoInput::listDisplays()
{
    std::vector<std::string> displays;
    std::error_code ignored;
    for (const auto& entry : std::filesystem::directory_iterator("/tmp/.X11-unix", ignored))
    {
        const std::string name = entry.path().filename().string();
        if (name.size() > 1 && name[0] == 'X')
            displays.push_back(std::string(":").append(name, 1));
    }
    std::sort(displays.begin(), displays.end());
    return displays;
}

VideoInput::VideoInput(const VideoSourceSpec& spec, const Request& request) : sourceSpec(spec)
{
    if (spec.kind == VideoSourceSpec::Kind::camera && !std::filesystem::exists(spec.input))
    {
        const auto cameras = listCameras();
        throw Error("camera " + spec.input + ": no such device; " +
                    (cameras.empty() ? std::string("this machine has no camera (no /dev/video* device: is one "
                                                   "plugged in and its driver loaded?)")
                                     : "the cameras here are " + joined(cameras)));
    }
    Options options = spec.options;
    const bool device = spec.kind == VideoSourceSpec::Kind::screen || spec.kind == VideoSourceSpec::Kind::camera;
    // Ask the device for the recording's rate and size (ffmpeg's -framerate / -video_size) unless told otherwise.
    if (device && request.frameRate.isValid() && !hasOption(options, "framerate"))
        options.emplace_back("framerate", rateText(request.frameRate));
    if (device && request.width > 0 && request.height > 0 && !hasOption(options, "video_size"))
        options.emplace_back("video_size", std::to_string(request.width) + "x" + std::to_string(request.height));
    try
    {
        mediaReader.emplace(spec.input, spec.format, options, request.openTimeoutSeconds);
    }
    catch (const Error& e)
    {
        explainOpenFailure(e.what());
    }
    const int stream = mediaReader->bestVideoStream();
    if (stream < 0)
        throw Error("video source " + spec.describe() + " has no video stream");
    info = mediaReader->streams()[size_t(stream)];
    // A device delivers the rate it was asked for; FFmpeg's guess from a few timestamps (x11grab: 60 or 120) is not it.
    if (device && request.frameRate.isValid() && !hasOption(spec.options, "framerate"))
        info.frameRate = request.frameRate;
    if (info.width <= 0 || info.height <= 0)
        throw Error("video source " + spec.describe() + " does not say its picture size");
}

VideoInput::~VideoInput() = default;

void VideoInput::explainOpenFailure(const std::string& ffmpegMessage) const
{
    std::string message = "video source " + sourceSpec.describe() + ": " + ffmpegMessage;
    if (sourceSpec.kind == VideoSourceSpec::Kind::screen)
    {
        const auto displays = listDisplays();
        message += displays.empty() ? "; no X display runs on this machine (no /tmp/.X11-unix/X*)"
                                    : "; the X displays here are " + joined(displays);
    }
    else if (sourceSpec.kind == VideoSourceSpec::Kind::camera)
    {
        const auto cameras = listCameras();
        message += cameras.empty() ? "; this machine has no camera" : "; the cameras here are " + joined(cameras);
    }
    throw Error(message);
}

std::string VideoInput::describe() const
{
    std::string text = sourceSpec.describe() + " " + std::to_string(info.width) + "x" + std::to_string(info.height);
    if (!info.pixelFormat.empty())
        text += " " + info.pixelFormat;
    if (info.frameRate.isValid())
        text += " @ " + rateText(info.frameRate) + " fps";
    return text;
}

MediaReader& VideoInput::reader(PixelFormat format, int width, int height)
{
    if (!selected)
    {
        mediaReader->selectVideo(mediaReader->bestVideoStream(), {.format = format, .width = width, .height = height});
        selected = true;
    }
    return *mediaReader;
}

} // namespace capstan
