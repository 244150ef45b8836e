#pragma once

#include <string>

namespace capstan
{

/** "Disk left" in the one format the app and the plugin share: "2 h 05 min", "12 min", "< 1 min",
    "> 100 h"; "-" when unknown (negative). */
std::string formatTimeLeft(double seconds);

} // namespace capstan
