#pragma once

// Internal: what a demuxed stream is, in Capstan's terms. Shared by MediaReader (decoding) and Remuxer (copying).

#include "MediaReader.h"

extern "C"
{
#include <libavformat/avformat.h>
}

namespace capstan
{

/** Describes stream `index` of an opened input: kind, codec, duration, and the audio or video parameters. */
MediaStreamInfo describeStream(const AVFormatContext* input, int index);

/** FFmpeg's name for a channel layout ("stereo", "5.1(side)"); empty when it has none. */
std::string describeLayout(const AVChannelLayout& layout);

} // namespace capstan
