// Password hashing with Argon2id (libsodium) at the OWASP-recommended cost: 19 MiB, 2 passes,
// 1 lane. Slow by design: call from a worker thread, never from an I/O thread.
#pragma once
#include <string>
#include <string_view>

namespace cells::identity {

constexpr std::size_t kMaxPasswordBytes = 1024;  // bound on the work an attacker can cause

std::string hash_password(std::string_view password);
// Constant-time check; false for a malformed hash or an over-long password.
bool verify_password(std::string_view password, const std::string& hash);
// A dummy verification of the same cost, so that an unknown login takes as long as a known one.
void burn_password_time(std::string_view password);

}  // namespace cells::identity
