#include "identity/password.h"

#include "core/memory_only.h"

#include <sodium.h>

#include <algorithm>
#include <semaphore>
#include <stdexcept>
#include <thread>

namespace cells::identity {

namespace {
constexpr unsigned long long kOps = 2;
constexpr std::size_t kMem = 19u * 1024 * 1024;

void init() {
  static const bool ready = sodium_init() >= 0;
  if (!ready) throw std::runtime_error("libsodium failed to initialize");
}

// At most one hash per core at a time: more would not finish sooner, and each holds kMem, so a
// burst of logins (or of guesses) cannot grow memory beyond cores x 19 MiB.
class HashSlot {
 public:
  HashSlot() { slots().acquire(); }
  ~HashSlot() { slots().release(); }
  HashSlot(const HashSlot&) = delete;
  HashSlot& operator=(const HashSlot&) = delete;

 private:
  static std::counting_semaphore<1024>& slots() {
    static std::counting_semaphore<1024> s(std::clamp<std::ptrdiff_t>(std::thread::hardware_concurrency(), 1, 1024));
    return s;
  }
};
}  // namespace

std::string hash_password(std::string_view password) {
  init();
  char out[crypto_pwhash_STRBYTES];
  HashSlot slot;
  if (crypto_pwhash_str_alg(out, password.data(), password.size(), kOps, kMem, crypto_pwhash_ALG_ARGON2ID13) != 0)
    throw std::runtime_error("out of memory while hashing a password");
  return out;
}

bool verify_password(std::string_view password, const std::string& hash) {
  if (MemoryOnly::refuse()) return false;  // tens of milliseconds: never on an I/O thread
  init();
  if (password.size() > kMaxPasswordBytes || hash.size() >= crypto_pwhash_STRBYTES) return false;
  HashSlot slot;
  return crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()) == 0;
}

void burn_password_time(std::string_view password) {
  if (MemoryOnly::refuse()) return;
  static const std::string dummy = hash_password("cells-dummy-password");
  (void)verify_password(password, dummy);
}

}  // namespace cells::identity
