#pragma once

#include "ArgumentParser.h"

#include <capstan/media/MediaReader.h>

#include <string>
#include <vector>

namespace capstan::cli
{

/** Which input streams `encode` takes: at most one audio and one video stream, -1 for none. */
struct StreamSelection
{
    int audio = -1;
    int video = -1;
};

/** Adds --map, --audio-stream and --video-stream. */
ArgumentParser& addStreamSelectionOptions(ArgumentParser& parser);

/** Resolves the options against the input's streams, as ffmpeg does: without --map the best audio and video stream
    (FFmpeg's pick), or the N-th one of a kind with --audio-stream/--video-stream; with --map only what is mapped
    ("0:a:1", "a", "v:0", "0:3"). `takesAudio`/`takesVideo` say whether the output can carry the kind and the user
    did not leave it out. A map naming a stream that does not exist is a UsageError listing what does. */
StreamSelection selectStreams(const ParsedArguments& arguments, const std::vector<MediaStreamInfo>& streams,
                              int bestAudio, int bestVideo, bool takesAudio, bool takesVideo, const std::string& input);

} // namespace capstan::cli
