// Page templates and static files from web/, embedded at build time by cmake/embed.cmake.
#pragma once
#include <map>
#include <string_view>

namespace cells::web {
// File name (no folder) → contents. Lives for the whole program.
const std::map<std::string_view, std::string_view>& assets();
}  // namespace cells::web
