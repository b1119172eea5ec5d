// Durations as Go writes them ("24h", "90m", "1h30m", "45s", "1.5h"), plus "d" for days.
#pragma once
#include <cstdint>
#include <string_view>

#include "core/result.h"

namespace cells {
// Whole seconds (fractions rounded down). Error "invalid_input" for anything malformed,
// negative, zero or beyond 100 years.
Result<std::int64_t> parse_duration(std::string_view text);
}  // namespace cells
