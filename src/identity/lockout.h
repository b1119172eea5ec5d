// Brute-force defence for password checks. Failures are counted per account and per client
// address. After kFreeFailures an account must wait a growing delay (1 s, 2 s, 4 s ... capped)
// between attempts; after kLockFailures it is locked for kLockSeconds. An address is locked
// after kAddressLockFailures. A success clears the account's count; `unlock` clears it too.
// The counts live in the database, so they add up across every node.
#pragma once
#include <cstdint>
#include <string>

#include "core/result.h"
#include "store/login_failures.h"

namespace cells::identity {

class Lockout {
 public:
  static constexpr int kFreeFailures = 5;
  static constexpr int kLockFailures = 10;
  static constexpr int kAddressLockFailures = 50;
  static constexpr std::int64_t kLockSeconds = 15 * 60;

  explicit Lockout(store::LoginFailureStore& store) : store_(store) {}

  // Seconds until the next attempt is allowed for this account/address (0: go ahead).
  Result<std::int64_t> wait_seconds(const std::string& account, const std::string& address, std::int64_t now);
  Status record_failure(const std::string& account, const std::string& address, std::int64_t now);
  Status record_success(const std::string& account) { return unlock(account); }
  Status unlock(const std::string& account);
  // Forgets counts older than a day that no longer block (the janitor calls it).
  Status purge(std::int64_t now) { return store_.purge(now - 24 * 3600); }

 private:
  store::LoginFailureStore& store_;
};

}  // namespace cells::identity
