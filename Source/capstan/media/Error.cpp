#include "Error.h"

#include "FfmpegLog.h"

extern "C"
{
#include <libavutil/error.h>
}

namespace capstan
{

Error::Error(const std::string& message, int ffmpegErrorCode) : std::runtime_error(message), errorCode(ffmpegErrorCode)
{
}

std::string ffmpegErrorText(int errorCode)
{
    char buffer[AV_ERROR_MAX_STRING_SIZE] = {};
    av_strerror(errorCode, buffer, sizeof(buffer));
    return buffer;
}

std::string describeFfmpegFailure(int errorCode)
{
    // FFmpeg usually logs the real reason just before failing; it says more than the error code.
    const std::string detail = FfmpegLog::takeLastError();
    return ffmpegErrorText(errorCode) + (detail.empty() ? "" : " (FFmpeg: " + detail + ")");
}

int checkFfmpeg(int result, const std::string& context)
{
    if (result < 0)
        throw Error(context + ": " + describeFfmpegFailure(result), result);
    return result;
}

} // namespace capstan
