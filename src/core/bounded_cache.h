// A thread-safe map with a size bound, for caches whose entries are cheap to rebuild (a miss
// costs one database read or one signature check). When full it empties itself: crude, but O(1)
// amortized and it never grows past `max_entries`.
//
// Read-through callers take generation() before reading the source and pass it to put(): an
// eviction in between (the source changed) bumps the generation and the stale value is dropped.
// Lookups share the lock: every authenticated request makes several, from every I/O thread.
#pragma once
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <shared_mutex>
#include <optional>
#include <string>
#include <unordered_map>

namespace cells {

template <typename V>
class BoundedCache {
 public:
  explicit BoundedCache(std::size_t max_entries) : max_(max_entries) {}

  std::optional<V> find(const std::string& key) const {
    std::shared_lock lock(mu_);
    auto it = map_.find(key);
    if (it == map_.end()) return std::nullopt;
    return it->second;
  }
  std::uint64_t generation() const {
    std::shared_lock lock(mu_);
    return generation_;
  }
  void put(const std::string& key, V value, std::uint64_t read_at_generation) {
    std::lock_guard lock(mu_);
    if (read_at_generation != generation_) return;
    if (map_.size() >= max_) map_.clear();
    map_.insert_or_assign(key, std::move(value));
  }
  void erase(const std::string& key) {
    std::lock_guard lock(mu_);
    ++generation_;
    map_.erase(key);
  }
  void clear() {
    std::lock_guard lock(mu_);
    ++generation_;
    map_.clear();
  }
  std::size_t size() const {
    std::shared_lock lock(mu_);
    return map_.size();
  }

 private:
  std::size_t max_;
  std::uint64_t generation_ = 0;
  mutable std::shared_mutex mu_;
  std::unordered_map<std::string, V> map_;
};

}  // namespace cells
