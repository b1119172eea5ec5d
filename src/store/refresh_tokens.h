// Refresh tokens (opaque, stored by digest), grouped in families by grant_id. Rotation: each use
// marks the token used and stores its successor, in one transaction. Reuse of a used token
// within `grace_seconds` (a client's concurrent double refresh) issues a sibling in the same
// family; reuse after that is a replay and revokes the whole family.
#pragma once
#include <cstdint>
#include <optional>
#include <string>

#include "core/result.h"

namespace cells::store {

struct RefreshToken {
  std::string token_hash;
  std::string grant_id;
  std::string client_id;
  std::string user_id;
  std::string scope;
  std::string sid;
  std::int64_t auth_time = 0;
  std::int64_t created_at = 0;
  std::int64_t expires_at = 0;
  std::int64_t used_at = 0;  // when first rotated; 0 while unused

  // Presenting it now would be a replay (used, and the grace period is over): the one rule that
  // rotation enforces and introspection reports.
  bool replay_at(std::int64_t now, std::int64_t grace_seconds) const {
    return used_at != 0 && now - used_at > grace_seconds;
  }
};

enum class Rotation { rotated, unknown, expired, revoked, replayed };

struct RotatedToken {
  Rotation outcome = Rotation::unknown;
  RefreshToken old_token;  // the presented token, when known
};

class RefreshTokenStore {
 public:
  virtual ~RefreshTokenStore() = default;
  virtual Status save(const RefreshToken& token) = 0;
  // `successor` is stored (with the old token's grant) only when the outcome is `rotated`;
  // on `replayed` the family is revoked before returning. The caller checks the client.
  virtual Result<RotatedToken> rotate(const std::string& token_hash, RefreshToken successor, std::int64_t now,
                                      std::int64_t grace_seconds) = 0;
  virtual Result<std::optional<RefreshToken>> find(const std::string& token_hash, std::int64_t now) = 0;
  virtual Status purge_expired(std::int64_t now) = 0;
};

// Revocation of issued JWT access tokens: one token by jti (RFC 7009), or every token of a grant
// (code replay, refresh replay, logout). Entries live until the tokens they cover expire.
class RevocationStore {
 public:
  virtual ~RevocationStore() = default;
  virtual Status revoke_token(const std::string& jti, std::int64_t expires_at) = 0;
  // Also deletes the grant's refresh tokens.
  virtual Status revoke_grant(const std::string& grant_id, std::int64_t now, std::int64_t keep_until) = 0;
  virtual Result<bool> is_revoked(const std::string& jti, const std::string& grant_id) = 0;
  virtual Status purge_expired(std::int64_t now) = 0;
};

}  // namespace cells::store
