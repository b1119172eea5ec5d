// The OAuth2/OIDC stores on a Database (SQLite or PostgreSQL), one class per interface.
#pragma once
#include <memory>

#include "store/codes.h"
#include "store/database.h"
#include "store/refresh_tokens.h"
#include "store/sessions.h"
#include "store/signing_keys.h"

namespace cells::store {

class SqlSigningKeyStore final : public SigningKeyStore {
 public:
  explicit SqlSigningKeyStore(std::shared_ptr<Database> db) : db_(std::move(db)) {}
  Result<std::vector<StoredKey>> list() override;
  Status replace_active(const std::vector<StoredKey>& fresh, std::int64_t now) override;
  Status purge_retired_before(std::int64_t cutoff) override;

 private:
  std::shared_ptr<Database> db_;
};

class SqlSessionStore final : public SessionStore {
 public:
  explicit SqlSessionStore(std::shared_ptr<Database> db) : db_(std::move(db)) {}
  Status create(const LoginSession& s) override;
  Result<std::optional<LoginSession>> find(const std::string& id_hash, std::int64_t now) override;
  Status remove(const std::string& id_hash) override;
  Status remove_for_user(const std::string& user_id) override;
  Status purge_expired(std::int64_t now) override;

 private:
  std::shared_ptr<Database> db_;
};

class SqlCodeStore final : public CodeStore {
 public:
  explicit SqlCodeStore(std::shared_ptr<Database> db) : db_(std::move(db)) {}
  Status save(const AuthorizationCode& code) override;
  Result<RedeemedCode> redeem(const std::string& code_hash, std::int64_t now) override;
  Status purge_expired(std::int64_t now) override;

 private:
  std::shared_ptr<Database> db_;
};

class SqlRefreshTokenStore final : public RefreshTokenStore {
 public:
  explicit SqlRefreshTokenStore(std::shared_ptr<Database> db) : db_(std::move(db)) {}
  Status save(const RefreshToken& token) override;
  Result<RotatedToken> rotate(const std::string& token_hash, RefreshToken successor, std::int64_t now,
                              std::int64_t grace_seconds) override;
  Result<std::optional<RefreshToken>> find(const std::string& token_hash, std::int64_t now) override;
  Status purge_expired(std::int64_t now) override;

 private:
  std::shared_ptr<Database> db_;
};

class SqlRevocationStore final : public RevocationStore {
 public:
  explicit SqlRevocationStore(std::shared_ptr<Database> db) : db_(std::move(db)) {}
  Status revoke_token(const std::string& jti, std::int64_t expires_at) override;
  Status revoke_grant(const std::string& grant_id, std::int64_t now, std::int64_t keep_until) override;
  Result<bool> is_revoked(const std::string& jti, const std::string& grant_id) override;
  Status purge_expired(std::int64_t now) override;

 private:
  std::shared_ptr<Database> db_;
};

// Inside an open transaction: marks the grant revoked and deletes its refresh tokens.
void revoke_grant_in(soci::session& sql, const std::string& grant_id, std::int64_t now, std::int64_t keep_until);
// Executes a prepared statement and returns the number of rows it changed.
long long affected(soci::statement& st);

}  // namespace cells::store
