#include "identity/lockout.h"

#include <algorithm>

namespace cells::identity {

std::int64_t Lockout::wait_seconds(const std::string& account, const std::string& address, std::int64_t now) {
  std::lock_guard lock(mu_);
  std::int64_t until = 0;
  if (auto it = accounts_.find(account); it != accounts_.end()) until = it->second.blocked_until;
  if (auto it = addresses_.find(address); it != addresses_.end()) until = std::max(until, it->second.blocked_until);
  return std::max<std::int64_t>(0, until - now);
}

void Lockout::fail(Entry& e, int free, int lock, std::int64_t now) {
  ++e.failures;
  if (e.failures >= lock)
    e.blocked_until = now + kLockSeconds;
  else if (e.failures > free)
    e.blocked_until = now + std::min<std::int64_t>(60, std::int64_t{1} << (e.failures - free - 1));
}

void Lockout::record_failure(const std::string& account, const std::string& address, std::int64_t now) {
  std::lock_guard lock(mu_);
  fail(accounts_[account], kFreeFailures, kLockFailures, now);
  fail(addresses_[address], kAddressLockFailures, kAddressLockFailures, now);
}

void Lockout::record_success(const std::string& account) {
  std::lock_guard lock(mu_);
  accounts_.erase(account);
}

void Lockout::unlock(const std::string& account) {
  std::lock_guard lock(mu_);
  accounts_.erase(account);
}

}  // namespace cells::identity
