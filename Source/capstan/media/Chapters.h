#pragma once

#include <string>

struct AVFormatContext;

namespace capstan
{

/** A titled interval of the timeline, in seconds. */
struct Chapter
{
    double start = 0;
    double end = 0;
    std::string title;
};

/** Throws capstan::Error unless 0 <= start <= end, both finite. */
void checkChapter(const Chapter& chapter);

/** Appends a chapter to a muxer's list (libavformat has no public call for it). Muxers with chapters (matroska,
    mp4/mov) write the list with their index; others ignore it. Throws capstan::Error on bad times. */
void appendChapter(AVFormatContext* context, const Chapter& chapter);

} // namespace capstan
