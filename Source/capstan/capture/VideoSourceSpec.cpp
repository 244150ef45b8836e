#include "VideoSourceSpec.h"

#include <capstan/media/Error.h>

#include <cstdlib>

namespace capstan
{

const char* VideoSourceSpec::acceptedForms()
{
    return "screen[:DISPLAY], camera[:DEVICE], lavfi:GRAPH, file:PATH, FORMAT:INPUT (an FFmpeg input format, as "
           "ffmpeg -f FORMAT -i INPUT) or a URL (rtsp://, srt://, ...)";
}

VideoSourceSpec VideoSourceSpec::parse(const std::string& text)
{
    VideoSourceSpec spec;
    spec.text = text;
    const auto colon = text.find(':');
    const std::string head = text.substr(0, colon);
    const std::string rest = colon == std::string::npos ? std::string() : text.substr(colon + 1);
    if (text.empty())
        throw Error(std::string("the video source is empty; accepted: ") + acceptedForms());
    const bool known = head == "screen" || head == "camera" || head == "lavfi" || head == "file";
    if (!known && text.find("://") != std::string::npos)
    {
        spec.kind = Kind::url;
        spec.input = text;
    }
    else if (head == "screen")
    {
        spec.kind = Kind::screen;
        spec.format = "x11grab";
        if (colon != std::string::npos && !rest.empty())
            spec.input = rest;
        else if (const char* display = std::getenv("DISPLAY"); display != nullptr && *display != '\0')
            spec.input = display;
        else
            throw Error("screen: DISPLAY is not set, so there is no screen to record; name the X display, e.g. "
                        "--video-source screen::0");
    }
    else if (head == "camera")
    {
        spec.kind = Kind::camera;
        spec.format = "v4l2";
        spec.input = colon != std::string::npos && !rest.empty() ? rest : "/dev/video0";
    }
    else if (head == "lavfi")
    {
        spec.kind = Kind::lavfi;
        spec.format = "lavfi";
        spec.input = rest;
        if (spec.input.empty())
            throw Error("lavfi: give a source filter graph, e.g. lavfi:testsrc2=size=1280x720:rate=30");
    }
    else if (head == "file")
    {
        spec.kind = Kind::file;
        spec.input = rest;
        if (spec.input.empty())
            throw Error("file: give the path of a video file, e.g. file:clip.mp4");
    }
    else if (colon != std::string::npos && colon > 0 && !rest.empty())
    {
        spec.kind = head == "x11grab" ? Kind::screen : head == "v4l2" ? Kind::camera : Kind::device;
        spec.format = head;
        spec.input = rest;
    }
    else
        throw Error("'" + text + "' is not a video source; accepted: " + acceptedForms());
    return spec;
}

std::string VideoSourceSpec::describe() const
{
    switch (kind)
    {
    case Kind::screen:
        return "screen " + input;
    case Kind::camera:
        return "camera " + input;
    case Kind::lavfi:
        return "lavfi " + input;
    case Kind::file:
        return "file " + input;
    case Kind::device:
        return format + " " + input;
    case Kind::url:
        return input;
    }
    return input;
}

} // namespace capstan
