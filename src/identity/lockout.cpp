#include "identity/lockout.h"

#include <algorithm>

namespace cells::identity {

namespace {
std::string account_key(const std::string& account) { return "account:" + account; }
std::string address_key(const std::string& address) { return "address:" + address; }

// The policy: `free` failures cost nothing, then the delay doubles until `lock` failures lock.
auto fail(int free, int lock, std::int64_t now) {
  return [=](store::FailureCount& c) {
    ++c.failures;
    if (c.failures >= lock)
      c.blocked_until = now + Lockout::kLockSeconds;
    else if (c.failures > free)
      c.blocked_until = now + std::min<std::int64_t>(60, std::int64_t{1} << (c.failures - free - 1));
  };
}
}  // namespace

Result<std::int64_t> Lockout::wait_seconds(const std::string& account, const std::string& address, std::int64_t now) {
  auto until = store_.blocked_until({account_key(account), address_key(address)});
  if (!until) return until;
  return std::max<std::int64_t>(0, *until - now);
}

Status Lockout::record_failure(const std::string& account, const std::string& address, std::int64_t now) {
  if (auto st = store_.update(account_key(account), now, fail(kFreeFailures, kLockFailures, now)); !st) return st;
  return store_.update(address_key(address), now, fail(kAddressLockFailures, kAddressLockFailures, now));
}

Status Lockout::unlock(const std::string& account) { return store_.clear(account_key(account)); }

}  // namespace cells::identity
