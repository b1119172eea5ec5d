// Browser login sessions (the SSO cookie). The cookie holds a random secret; only its digest
// (crypto::secret_digest) is stored. `sid` is the public session id put in ID tokens.
#pragma once
#include <cstdint>
#include <optional>
#include <string>

#include "core/result.h"

namespace cells::store {

struct LoginSession {
  std::string id_hash;
  std::string sid;
  std::string user_id;
  std::int64_t auth_time = 0;
  std::int64_t expires_at = 0;
};

class SessionStore {
 public:
  virtual ~SessionStore() = default;
  virtual Status create(const LoginSession& session) = 0;
  // Only sessions not yet expired at `now`.
  virtual Result<std::optional<LoginSession>> find(const std::string& id_hash, std::int64_t now) = 0;
  virtual Status remove(const std::string& id_hash) = 0;
  virtual Status remove_for_user(const std::string& user_id) = 0;
  virtual Status purge_expired(std::int64_t now) = 0;
};

}  // namespace cells::store
