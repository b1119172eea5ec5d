// Personal access tokens (stored by digest only), with their expiry bookkeeping.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"

namespace cells::store {

struct PersonalToken {
  std::string id;  // public identifier, for list and revoke
  std::string token_hash;
  std::string user_id;
  std::string label;
  std::string created_by;
  std::int64_t created_at = 0;
  std::int64_t last_used_at = 0;
  std::int64_t expires_at = 0;      // current expiry
  std::int64_t window_seconds = 0;  // > 0: sliding; each use pushes expires_at to now + window
  std::int64_t max_expires_at = 0;  // absolute cap for sliding tokens, 0: none
  std::vector<std::string> scopes;  // "node:UUID:rw"
};

struct TokenUse {
  std::string token_hash;
  std::int64_t expires_at;
  std::int64_t last_used_at;
};

class PersonalTokenStore {
 public:
  virtual ~PersonalTokenStore() = default;
  virtual Status create(const PersonalToken& t) = 0;
  virtual Result<std::optional<PersonalToken>> find_by_hash(const std::string& token_hash) = 0;
  virtual Result<std::vector<PersonalToken>> list(const std::string& user_id) = 0;  // "" for all users
  // Returns the removed token's hash (to evict caches); "not_found".
  virtual Result<std::string> remove(const std::string& id) = 0;
  // Records uses in one transaction; expiries only ever move forward.
  virtual Status record_uses(const std::vector<TokenUse>& uses) = 0;
  virtual Status purge_expired(std::int64_t now) = 0;
};

}  // namespace cells::store
