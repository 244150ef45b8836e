#pragma once

#include <string>
#include <vector>

namespace capstan::cli
{

/** `capstan record`: records a source through the real-time Recorder into one or more outputs at once. */
int runRecordCommand(const std::vector<std::string>& args);

} // namespace capstan::cli
