// Brute-force defence for password checks. Failures are counted per account and per client
// address. After kFreeFailures an account must wait a growing delay (1 s, 2 s, 4 s ... capped)
// between attempts; after kLockFailures it is locked for kLockSeconds. An address is locked
// after kAddressLockFailures. A success clears the account's count; `unlock` clears it too.
// In memory, per process (to be shared through the database for several nodes).
#pragma once
#include <cstdint>
#include <map>
#include <mutex>
#include <string>

namespace cells::identity {

class Lockout {
 public:
  static constexpr int kFreeFailures = 5;
  static constexpr int kLockFailures = 10;
  static constexpr int kAddressLockFailures = 50;
  static constexpr std::int64_t kLockSeconds = 15 * 60;

  // Seconds until the next attempt is allowed for this account/address (0: go ahead).
  std::int64_t wait_seconds(const std::string& account, const std::string& address, std::int64_t now);
  void record_failure(const std::string& account, const std::string& address, std::int64_t now);
  void record_success(const std::string& account);
  void unlock(const std::string& account);

 private:
  struct Entry {
    int failures = 0;
    std::int64_t blocked_until = 0;
  };
  void fail(Entry& e, int free, int lock, std::int64_t now);
  std::mutex mu_;
  std::map<std::string, Entry> accounts_;
  std::map<std::string, Entry> addresses_;
};

}  // namespace cells::identity
