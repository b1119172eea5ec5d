#include "app/logging.h"

#include <spdlog/sinks/base_sink.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <memory>
#include <mutex>

#include <unistd.h>

namespace cells::app {

namespace {

constexpr auto kFlushPeriod = std::chrono::milliseconds(100);

// stdout through stdio's buffer, flushed only when asked (spdlog's stdout sinks flush per line).
class BufferedStdout final : public spdlog::sinks::base_sink<std::mutex> {
 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    spdlog::memory_buf_t line;
    formatter_->format(msg, line);
    std::fwrite(line.data(), 1, line.size(), stdout);
  }
  void flush_() override { std::fflush(stdout); }
};

void flush_periodically(std::stop_token stop) {
  std::mutex m;
  std::condition_variable_any wake;
  std::unique_lock lock(m);
  while (!stop.stop_requested()) {
    wake.wait_for(lock, stop, kFlushPeriod, [] { return false; });
    spdlog::default_logger()->flush();
  }
}

}  // namespace

Logging::Logging(const std::string& level) {
  if (!::isatty(STDOUT_FILENO)) {
    auto logger = std::make_shared<spdlog::logger>("", std::make_shared<BufferedStdout>());
    logger->flush_on(spdlog::level::warn);
    spdlog::set_default_logger(std::move(logger));
    flusher_ = std::jthread(flush_periodically);
  }
  spdlog::set_level(spdlog::level::from_str(level));  // every registered logger, the new default included
}

Logging::~Logging() {
  if (flusher_.joinable()) {
    flusher_.request_stop();
    flusher_.join();
  }
  spdlog::default_logger()->flush();
}

}  // namespace cells::app
