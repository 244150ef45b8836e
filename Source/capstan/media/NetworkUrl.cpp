#include "NetworkUrl.h"

#include <algorithm>
#include <cctype>
#include <mutex>

extern "C"
{
#include <libavdevice/avdevice.h>
#include <libavformat/avformat.h>
}

namespace capstan
{

std::string NetworkUrl::scheme(const std::string& destination)
{
    const auto colon = destination.find("://");
    if (colon == std::string::npos || colon == 0)
        return {};
    std::string result = destination.substr(0, colon);
    if (!std::all_of(result.begin(), result.end(),
                     [](unsigned char c) { return std::isalnum(c) || c == '+' || c == '-' || c == '.'; }))
        return {};
    std::transform(result.begin(), result.end(), result.begin(), [](unsigned char c) { return char(std::tolower(c)); });
    return result;
}

bool NetworkUrl::isNetwork(const std::string& destination)
{
    const std::string s = scheme(destination);
    return !s.empty() && s != "file" && s != "pipe";
}

std::string NetworkUrl::defaultMuxer(const std::string& destination)
{
    const std::string s = scheme(destination);
    if (s.rfind("rtmp", 0) == 0) // rtmp, rtmps, rtmpt, rtmpe, rtmpte, rtmpts
        return "flv";
    if (s == "srt" || s == "udp" || s == "tcp" || s == "rtp" || s == "udplite")
        return "mpegts";
    return {};
}

bool NetworkUrl::isOutputDevice(const std::string& format)
{
    if (format.empty())
        return false;
    static std::once_flag once;
    std::call_once(once, [] { avdevice_register_all(); });
    const AVOutputFormat* muxer = av_guess_format(format.c_str(), nullptr, nullptr);
    return muxer != nullptr && muxer->priv_class != nullptr && AV_IS_OUTPUT_DEVICE(muxer->priv_class->category);
}

std::string NetworkUrl::forDisplay(const std::string& destination)
{
    if (!isNetwork(destination))
        return destination; // a file name may hold a '?'
    // Only rtmp URLs carry a key in their path; the stream key of other schemes travels in the query.
    std::string url = destination.substr(0, destination.find('?'));
    if (scheme(url).rfind("rtmp", 0) != 0)
        return url;
    const auto hostStart = url.find("://") + 3;
    const auto slash = url.rfind('/');
    if (slash == std::string::npos || slash < hostStart || url.find('/', hostStart) == slash || slash + 1 >= url.size())
        return url;
    return url.substr(0, slash + 1) + "<key>";
}

} // namespace capstan
