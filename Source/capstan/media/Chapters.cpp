#include "Chapters.h"

#include "Error.h"

#include <cmath>

extern "C"
{
#include <libavformat/avformat.h>
#include <libavutil/mem.h>
}

namespace capstan
{

void checkChapter(const Chapter& c)
{
    if (!std::isfinite(c.start) || !std::isfinite(c.end) || c.start < 0 || c.end < c.start)
        throw Error("a chapter needs 0 <= start <= end (seconds), got " + std::to_string(c.start) + " .. " +
                    std::to_string(c.end));
}

void appendChapter(AVFormatContext* context, const Chapter& c)
{
    checkChapter(c);
    auto* chapter = static_cast<AVChapter*>(av_mallocz(sizeof(AVChapter)));
    if (!chapter)
        throw Error("out of memory adding a chapter");
    chapter->id = context->nb_chapters + 1;
    chapter->time_base = AVRational{1, 1000000};
    chapter->start = std::llround(c.start * 1e6);
    chapter->end = std::llround(c.end * 1e6);
    av_dict_set(&chapter->metadata, "title", c.title.c_str(), 0);
    int count = static_cast<int>(context->nb_chapters);
    if (av_dynarray_add_nofree(&context->chapters, &count, chapter) < 0)
    {
        av_dict_free(&chapter->metadata);
        av_free(chapter);
        throw Error("out of memory adding a chapter");
    }
    context->nb_chapters = static_cast<unsigned>(count);
}

} // namespace capstan
