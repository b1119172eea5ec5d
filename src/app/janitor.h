// Background pruning of expired rows (codes, refresh tokens, revocations) on a fixed period, so
// tables do not grow without bound. Stops promptly on destruction.
#pragma once
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace cells::app {

class Janitor {
 public:
  Janitor(std::chrono::seconds period, std::vector<std::function<void()>> jobs);
  ~Janitor();
  Janitor(const Janitor&) = delete;
  Janitor& operator=(const Janitor&) = delete;

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace cells::app
