#pragma once

#include "VideoSourceSpec.h"

#include <capstan/media/MediaReader.h>

#include <memory>
#include <optional>
#include <string>

namespace capstan
{

/** An opened video source: the FFmpeg input of a VideoSourceSpec, probed, its video stream chosen. The size and
    rate it delivers are known before the recorder is made, so a recording can take the source's own format unless
    told otherwise (one rule for every source).

    Opening fails with one line that says what was wrong and what exists: a camera that is not there lists the
    /dev/video* devices this machine has, a screen that cannot be opened lists the X displays that run. */
class VideoInput
{
public:
    struct Request
    {
        Rational frameRate; ///< asked of a screen or camera (its `framerate`); invalid: the device's own
        int width = 0;      ///< asked of a screen (region) or camera (`video_size`); 0: the device's own
        int height = 0;
        double openTimeoutSeconds = 10.0;
    };

    VideoInput(const VideoSourceSpec& spec, const Request& request);
    ~VideoInput();

    VideoInput(const VideoInput&) = delete;
    VideoInput& operator=(const VideoInput&) = delete;

    const VideoSourceSpec& spec() const { return sourceSpec; }
    /** What the source delivers. */
    int width() const { return info.width; }
    int height() const { return info.height; }
    Rational frameRate() const { return info.frameRate; }
    const std::string& pixelFormat() const { return info.pixelFormat; }
    /** e.g. "screen :99 1280x720 bgr0 @ 30 fps". */
    std::string describe() const;

    /** The reader, its video stream selected and converted to `format` at `width` x `height` (the recorder's). */
    MediaReader& reader(PixelFormat format, int width, int height);

    /** The /dev/video* devices, e.g. "/dev/video0 (Integrated Camera)"; empty when there is none. */
    static std::vector<std::string> listCameras();
    /** The X displays with a server socket, e.g. ":0", ":99". */
    static std::vector<std::string> listDisplays();

private:
    [[noreturn]] void explainOpenFailure(const std::string& ffmpegMessage) const;

    VideoSourceSpec sourceSpec;
    std::optional<MediaReader> mediaReader;
    MediaStreamInfo info;
    bool selected = false;
};

} // namespace capstan
