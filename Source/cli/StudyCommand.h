#pragma once

#include <string>
#include <vector>

namespace capstan::cli
{

/** `capstan study slicing --out DIR`: the AAC slice-artifact study (legacy zero-filled slices vs Capstan). */
int runStudyCommand(const std::vector<std::string>& args);

} // namespace capstan::cli
