#pragma once

#include <string>
#include <vector>

namespace capstan::cli
{

/** `capstan demo DIR`: the StreamWriter tutorial's examples, written into DIR, decoded back and checked. */
int runDemoCommand(const std::vector<std::string>& args);

} // namespace capstan::cli
