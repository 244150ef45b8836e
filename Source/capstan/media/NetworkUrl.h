#pragma once

#include <string>

namespace capstan
{

/** What Capstan knows about a destination's URL scheme: whether it is a network stream, and which muxer it takes
    when none is given (rtmp: flv; srt, udp, tcp, rtp: mpegts). */
struct NetworkUrl
{
    /** The scheme in lower case ("rtmp", "srt", ...), empty for a plain path. */
    static std::string scheme(const std::string& destination);

    /** True for a URL whose bytes go over a network protocol (not a file, pipe or plain path). */
    static bool isNetwork(const std::string& destination);

    /** The muxer a scheme implies ("flv" for rtmp, "mpegts" for srt/udp/tcp/rtp), empty when it implies none. */
    static std::string defaultMuxer(const std::string& destination);

    /** True when `format` names a libavdevice output (alsa, pulse, sdl...) of this FFmpeg build: the destination is
        then a device name, not a file. */
    static bool isOutputDevice(const std::string& format);

    /** The URL without its query and with the last path part of an rtmp URL (the stream key, a secret) masked,
        for messages and logs: "rtmp://host/app/<key>". */
    static std::string forDisplay(const std::string& destination);
};

} // namespace capstan
