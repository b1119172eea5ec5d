#include "core/duration.h"

#include <cctype>
#include <string>

namespace cells {

namespace {
// Unit → nanoseconds, longest names first so "ms" wins over "m".
struct Unit {
  std::string_view name;
  long double nanos;
};
constexpr Unit kUnits[] = {{"ns", 1}, {"us", 1e3}, {"µs", 1e3}, {"ms", 1e6}, {"s", 1e9},
                           {"m", 60e9}, {"h", 3600e9}, {"d", 86400e9}};
}  // namespace

Result<std::int64_t> parse_duration(std::string_view t) {
  auto bad = [&] { return err("invalid_input", "'" + std::string(t) + "' is not a duration (examples: 24h, 90m, 1h30m, 30d)"); };
  if (t.empty() || t.size() > 64) return bad();
  std::string_view s = t;
  long double total = 0;
  while (!s.empty()) {
    std::size_t i = 0;
    while (i < s.size() && (std::isdigit(static_cast<unsigned char>(s[i])) || s[i] == '.')) ++i;
    if (i == 0) return bad();
    long double value;
    try {
      std::size_t used = 0;
      value = std::stold(std::string(s.substr(0, i)), &used);
      if (used != i) return bad();
    } catch (...) {
      return bad();
    }
    s.remove_prefix(i);
    const Unit* unit = nullptr;
    for (const auto& u : kUnits)
      if (s.starts_with(u.name) && (!unit || u.name.size() > unit->name.size())) unit = &u;
    if (!unit) return bad();
    s.remove_prefix(unit->name.size());
    total += value * unit->nanos;
  }
  long double seconds = total / 1e9;
  if (seconds < 1 || seconds > 100.0L * 365 * 86400) return bad();
  return static_cast<std::int64_t>(seconds);
}

}  // namespace cells
