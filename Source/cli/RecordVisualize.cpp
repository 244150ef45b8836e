#include "RecordVisualize.h"

#include "CommandSupport.h"

#include <capstan/media/NetworkUrl.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <filesystem>

namespace capstan::cli
{

std::vector<std::string> expandVisualizeFlag(const std::vector<std::string>& args)
{
    const auto isSize = [](const std::string& text)
    {
        const auto x = text.find('x');
        const auto digits = [](std::string_view part)
        { return !part.empty() && std::all_of(part.begin(), part.end(), [](char c) { return std::isdigit(c) != 0; }); };
        return x != std::string::npos && digits(std::string_view(text).substr(0, x)) &&
               digits(std::string_view(text).substr(x + 1));
    };
    std::vector<std::string> result;
    for (size_t i = 0; i < args.size(); ++i)
    {
        if (args[i] == "--")
        {
            result.insert(result.end(), args.begin() + long(i), args.end());
            break;
        }
        if (args[i] != "--visualize")
            result.push_back(args[i]);
        else if (i + 1 < args.size() && isSize(args[i + 1]))
            result.push_back("--visualize=" + args[++i]);
        else
            result.push_back("--visualize=320x240");
    }
    return result;
}

void addVideoStream(RecorderConfig& config, VideoSpec video, const std::string& option)
{
    // No B-frames (zerolatency): frames leave the encoder as they come, and the first is at pts 0 also in a
    // fragmented (crash-safe) MP4, which has no edit list to hide a reordering delay.
    video.enabled = true;
    video.encoder = "libx264";
    video.encoderFormat = "yuv420p";
    video.encoderOptions = {{"preset", "veryfast"}, {"tune", "zerolatency"}};
    // About a second of frames, but never more than 256 MiB preallocated (an 8K picture is 50 MB in yuv420p).
    const int64_t frameBytes = bytesPerFrame(video.format, video.width, video.height);
    const int byMemory = int(std::max<int64_t>(4, (int64_t(256) << 20) / std::max<int64_t>(1, frameBytes)));
    video.queueFrames = std::min(std::clamp(int(std::ceil(video.frameRate.toDouble())), 8, 64), byMemory);
    config.video = video;
    bool any = false;
    for (auto& output : config.outputs)
    {
        std::string extension = std::filesystem::path(output.path).extension().string();
        std::transform(extension.begin(), extension.end(), extension.begin(),
                       [](char c) { return char(std::tolower(static_cast<unsigned char>(c))); });
        output.withVideo = extension == ".mp4" || extension == ".mkv" || extension == ".mov" ||
                           !NetworkUrl::defaultMuxer(output.path).empty(); // flv, mpegts
        any = any || output.withVideo;
    }
    if (!any)
        throw UsageError(option + " needs an output whose container takes video (.mp4, .mkv, .mov, or an rtmp://, "
                                  "srt://, udp:// stream)");
}

void configureVisualize(const ParsedArguments& arguments, RecorderConfig& config)
{
    const auto size = arguments.getOptional("visualize");
    if (!size)
        return;
    const auto [width, height] = parsePictureSize("visualize", *size);
    const Rational fps = parsePictureRate("fps", arguments.get("fps", "20"));
    addVideoStream(config, {.width = width, .height = height, .frameRate = fps, .format = PixelFormat::bgra},
                   "--visualize");
}

} // namespace capstan::cli
