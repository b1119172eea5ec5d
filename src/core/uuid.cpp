#include "core/uuid.h"

#include <sodium.h>

#include <array>
#include <cctype>
#include <cstring>
#include <cstdint>

namespace cells {

namespace {
// Random bytes for identifiers, drawn from the kernel 1 KiB at a time per thread: a getrandom(2)
// per UUID was two system calls of every token issued. (Secrets use crypto::random_bytes.)
void random_id_bytes(std::uint8_t* out, std::size_t n) {
  static const bool ready = sodium_init() >= 0;
  if (!ready) std::abort();
  thread_local std::array<std::uint8_t, 1024> pool;
  thread_local std::size_t used = pool.size();
  if (used + n > pool.size()) {
    randombytes_buf(pool.data(), pool.size());
    used = 0;
  }
  std::memcpy(out, pool.data() + used, n);
  sodium_memzero(pool.data() + used, n);  // each byte serves once
  used += n;
}
}  // namespace

std::string new_uuid() {
  std::uint8_t b[16];
  random_id_bytes(b, sizeof b);
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  static const char* hex = "0123456789abcdef";
  std::string out;
  for (int i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out += '-';
    out += hex[b[i] >> 4];
    out += hex[b[i] & 15];
  }
  return out;
}

bool is_uuid(std::string_view t) {
  if (t.size() != 36) return false;
  for (std::size_t i = 0; i < t.size(); ++i) {
    bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? t[i] != '-' : !std::isxdigit(static_cast<unsigned char>(t[i]))) return false;
  }
  return true;
}

}  // namespace cells
