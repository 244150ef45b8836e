#include "Error.h"

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

int checkFfmpeg(int result, const std::string& context)
{
    if (result < 0)
        throw Error(context + ": " + ffmpegErrorText(result), result);
    return result;
}

} // namespace capstan
