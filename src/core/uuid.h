// Random (version 4) UUIDs, lower-case canonical text form.
#pragma once
#include <string>
#include <string_view>

namespace cells {
std::string new_uuid();
bool is_uuid(std::string_view text);
}  // namespace cells
