// Tells every node that shared state changed, so in-memory caches never outlive the data they
// copy by more than a moment. publish(topic, key) after the change is committed; every node's
// subscribers for that topic get the key (this node's at once, synchronously).
//
// SQLite (one process): delivery is local only. PostgreSQL: NOTIFY on channel "cells", and a
// listener thread per node on its own connection (LISTEN). While that connection is down,
// live() is false and caches must not answer from memory; when it comes back every subscriber
// gets the key "*" (anything may have changed while we were deaf).
#pragma once
#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "store/database.h"

namespace cells::store {

class ChangeFeed {
 public:
  using Handler = std::function<void(std::string_view key)>;
  static constexpr std::string_view kEverything = "*";

  explicit ChangeFeed(std::shared_ptr<Database> db);
  ~ChangeFeed();
  ChangeFeed(const ChangeFeed&) = delete;
  ChangeFeed& operator=(const ChangeFeed&) = delete;

  // Stops the listener when destroyed: declare it after the subscribers it calls into.
  class Listening {
   public:
    explicit Listening(ChangeFeed& feed) : feed_(&feed) {}
    Listening(const Listening&) = delete;
    ~Listening() { feed_->stop(); }

   private:
    ChangeFeed* feed_;
  };

  // Register before start(); handlers run on the publishing thread or the listener thread.
  void subscribe(std::string topic, Handler handler);
  // Starts listening (PostgreSQL); returns once the first LISTEN is in place (or after 2 s).
  [[nodiscard]] Listening start();
  void stop();
  void publish(std::string_view topic, std::string_view key);
  bool live() const { return live_.load(std::memory_order_acquire); }

 private:
  void deliver(std::string_view topic, std::string_view key);
  void deliver_everything();
  void listen_loop();

  std::shared_ptr<Database> db_;
  std::multimap<std::string, Handler, std::less<>> handlers_;
  std::atomic<bool> live_;
  std::atomic<bool> stopping_{false};
  std::thread listener_;
};

}  // namespace cells::store
