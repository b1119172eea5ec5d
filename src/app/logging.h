// Process-wide logging. On a terminal every line is written at once; otherwise (a file, a pipe,
// journald) lines are buffered and written every 100 ms, and at once from warn up: a write(2)
// per access-log line was a fifth of the CPU of a small request. A crash loses at most the last
// 100 ms of info lines; a normal stop loses none (the Logging object flushes when it goes).
#pragma once
#include <string>
#include <thread>

namespace cells::app {

class Logging {
 public:
  explicit Logging(const std::string& level);
  ~Logging();
  Logging(const Logging&) = delete;
  Logging& operator=(const Logging&) = delete;

 private:
  std::jthread flusher_;
};

}  // namespace cells::app
