#pragma once

#include <capstan/media/Formats.h>
#include <capstan/media/StreamConfig.h>

#include <string>

namespace capstan
{

/** Which FFmpeg input a recording's video comes from, as the user names it.

    Forms (the command line's --video-source, the app's source menu):
    - `screen` or `screen:DISPLAY` — the X11 screen through x11grab (DISPLAY as ffmpeg takes it, e.g. `:99.0+100,200`
      for a region's corner; the default is $DISPLAY);
    - `camera` or `camera:DEVICE` — a V4L2 camera (default /dev/video0);
    - `lavfi:GRAPH` — an FFmpeg source filter graph, e.g. `lavfi:testsrc2=size=1280x720:rate=30`;
    - `file:PATH` — a video file played as if it were live;
    - `FORMAT:INPUT` — any other FFmpeg input format, as `ffmpeg -f FORMAT -i INPUT` (e.g. `v4l2:/dev/video2`,
      `x11grab::0`);
    - a URL with `://` (rtsp://, srt://, http://...) — a network stream.
    Device options (ffmpeg's input options: framerate, video_size, input_format, draw_mouse...) go in `options`. */
struct VideoSourceSpec
{
    enum class Kind
    {
        screen, ///< x11grab
        camera, ///< v4l2
        lavfi,
        file,
        device, ///< another libavdevice input named by FORMAT:INPUT
        url     ///< a network stream
    };

    Kind kind = Kind::lavfi;
    std::string text;   ///< what the user wrote
    std::string format; ///< the FFmpeg input format (x11grab, v4l2, lavfi), empty: probed
    std::string input;  ///< what FFmpeg opens
    Options options;    ///< demuxer/device options

    /** Parses the forms above; throws capstan::Error naming what was wrong and listing the accepted forms. */
    static VideoSourceSpec parse(const std::string& text);

    /** True for a source that runs at its own clock (a screen, a camera, a network stream); false for a file or a
        filter graph, which FFmpeg delivers as fast as it is read and which a recording paces itself. */
    bool isLive() const
    {
        return kind == Kind::screen || kind == Kind::camera || kind == Kind::device || kind == Kind::url;
    }

    /** For people: e.g. "screen :99.0", "camera /dev/video0", "lavfi testsrc2". */
    std::string describe() const;

    /** The accepted forms, one line, for error messages and --help. */
    static const char* acceptedForms();
};

} // namespace capstan
