#include "TimeLeft.h"

#include <cstdio>

namespace capstan
{

std::string formatTimeLeft(double seconds)
{
    if (seconds < 0)
        return "-";
    if (seconds >= 100.0 * 3600.0)
        return "> 100 h";
    if (seconds < 60.0)
        return "< 1 min";
    const int minutes = int(seconds / 60.0);
    char text[32];
    if (minutes < 60)
        std::snprintf(text, sizeof(text), "%d min", minutes);
    else
        std::snprintf(text, sizeof(text), "%d h %02d min", minutes / 60, minutes % 60);
    return text;
}

} // namespace capstan
