#pragma once

#include <capstan/media/Chapters.h>

#include <string>
#include <vector>

namespace capstan
{

/** Rewrites a finished fragmented MP4 as an ordinary MP4 (one moov, at the front) with libavformat: packets are
    copied, nothing is re-encoded. The file is replaced only when the new one was written completely. */
class Mp4Remuxer
{
public:
    /** Throws capstan::Error naming the step that failed; the original file is then left as it was. `chapters`
        are written into the new file (a fragmented MP4 writes its index first, so it cannot carry them). */
    static void remuxToSeekable(const std::string& path, const std::vector<Chapter>& chapters = {});
};

} // namespace capstan
