// Failed-login counters, shared by every node so that brute-force limits count across them.
// Keys are opaque to the store ("account:LOGIN_KEY", "address:IP").
#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/result.h"

namespace cells::store {

struct FailureCount {
  int failures = 0;
  std::int64_t blocked_until = 0;
};

class LoginFailureStore {
 public:
  virtual ~LoginFailureStore() = default;
  // The latest blocked_until among `keys` (0 when none has a count).
  virtual Result<std::int64_t> blocked_until(const std::vector<std::string>& keys) = 0;
  // Applies `change` to the count of `key` (zero when new) and stores it, atomically with respect
  // to every other update of that key on any node.
  virtual Status update(const std::string& key, std::int64_t now, const std::function<void(FailureCount&)>& change) = 0;
  virtual Status clear(const std::string& key) = 0;
  // Forgets counts untouched since `before` that no longer block.
  virtual Status purge(std::int64_t before) = 0;
};

}  // namespace cells::store
