// Read-through caches in front of the stores read on every authenticated request, so that a
// token or password already seen costs no database read. Every change made through them is
// announced on the ChangeFeed, which evicts on every node; while the feed is down they read
// through. Writes made elsewhere (e.g. the family revocation inside refresh rotation) must be
// announced by their caller.
#pragma once
#include "core/bounded_cache.h"
#include "store/change_feed.h"
#include "store/clients.h"
#include "store/refresh_tokens.h"
#include "store/users.h"

namespace cells::store {

class CachedUserStore : public UserStore {
 public:
  static constexpr std::string_view kTopic = "user";
  CachedUserStore(UserStore& inner, ChangeFeed& feed);

  Status create(const User& user) override { return inner_.create(user); }
  Result<std::optional<User>> find_by_login(const std::string& login) override { return inner_.find_by_login(login); }
  Result<std::optional<User>> find_by_id(const std::string& id) override;
  Result<std::vector<User>> list() override { return inner_.list(); }
  Status set_password(const std::string& id, const std::string& password_hash, std::int64_t now) override;
  Status remove(const std::string& id) override;
  Result<std::int64_t> count() override { return inner_.count(); }

 private:
  UserStore& inner_;
  ChangeFeed& feed_;
  BoundedCache<User> by_id_{50000};
};

class CachedRevocationStore : public RevocationStore {
 public:
  static constexpr std::string_view kTopic = "revoked";
  CachedRevocationStore(RevocationStore& inner, ChangeFeed& feed);

  Status revoke_token(const std::string& jti, std::int64_t expires_at) override;
  Status revoke_grant(const std::string& grant_id, std::int64_t now, std::int64_t keep_until) override;
  Result<bool> is_revoked(const std::string& jti, const std::string& grant_id) override;
  Status purge_expired(std::int64_t now) override { return inner_.purge_expired(now); }

 private:
  RevocationStore& inner_;
  ChangeFeed& feed_;
  BoundedCache<bool> answers_{100000};
};

// What find() answers changes with time (checked on every hit: a cached token still expires),
// when a token is rotated (announced here, on kTopic, evicting that token) and when rows are
// deleted: a family by a grant revocation, a client's tokens by its removal, announced on the
// revocation and client topics, either of which empties this cache.
class CachedRefreshTokenStore : public RefreshTokenStore {
 public:
  static constexpr std::string_view kTopic = "refresh";
  CachedRefreshTokenStore(RefreshTokenStore& inner, ChangeFeed& feed);

  Status save(const RefreshToken& token) override { return inner_.save(token); }
  Result<RotatedToken> rotate(const std::string& token_hash, RefreshToken successor, std::int64_t now,
                              std::int64_t grace_seconds) override;
  Result<std::optional<RefreshToken>> find(const std::string& token_hash, std::int64_t now) override;
  Status purge_expired(std::int64_t now) override { return inner_.purge_expired(now); }

 private:
  RefreshTokenStore& inner_;
  ChangeFeed& feed_;
  BoundedCache<RefreshToken> by_hash_{100000};
};

class CachedClientStore : public ClientStore {
 public:
  static constexpr std::string_view kTopic = "client";
  CachedClientStore(ClientStore& inner, ChangeFeed& feed);

  Status create(const Client& client) override;
  Result<std::optional<Client>> find(const std::string& id) override;
  Result<std::vector<Client>> list() override { return inner_.list(); }
  Status remove(const std::string& id) override;

 private:
  ClientStore& inner_;
  ChangeFeed& feed_;
  BoundedCache<Client> by_id_{10000};
};

}  // namespace cells::store
