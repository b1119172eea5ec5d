#include "app/janitor.h"

#include <spdlog/spdlog.h>

namespace cells::app {

Janitor::Janitor(std::chrono::seconds period, std::vector<std::function<void()>> jobs) {
  thread_ = std::thread([this, period, jobs = std::move(jobs)] {
    std::unique_lock lock(mu_);
    while (!cv_.wait_for(lock, period, [this] { return stop_; })) {
      lock.unlock();
      for (const auto& job : jobs) {
        try {
          job();
        } catch (const std::exception& e) {
          spdlog::warn("pruning failed: {}", e.what());
        }
      }
      lock.lock();
    }
  });
}

Janitor::~Janitor() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

}  // namespace cells::app
