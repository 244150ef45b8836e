#pragma once

#include <string>

namespace capstan
{

/** `text` as a quoted JSON string: quotes, backslashes and control characters escaped. For the small JSON
    documents the recorder writes (stats, drop sidecars) without a JSON library. */
std::string jsonQuote(const std::string& text);

} // namespace capstan
