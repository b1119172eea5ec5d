// Wall-clock time as Unix seconds; one place so tests and protocol code agree on "now".
#pragma once
#include <chrono>
#include <cstdint>

namespace cells {
inline std::int64_t now_seconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}
inline std::int64_t now_millis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}
}  // namespace cells
