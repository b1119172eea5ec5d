#include "store/cached_stores.h"

namespace cells::store {

CachedUserStore::CachedUserStore(UserStore& inner, ChangeFeed& feed) : inner_(inner), feed_(feed) {
  feed_.subscribe(std::string(kTopic), [this](std::string_view id) {
    if (id == ChangeFeed::kEverything) by_id_.clear();
    else by_id_.erase(std::string(id));
  });
}

Result<std::optional<User>> CachedUserStore::find_by_id(const std::string& id) {
  bool live = feed_.live();
  if (live)
    if (auto hit = by_id_.find(id)) return std::optional<User>(std::move(*hit));
  auto generation = by_id_.generation();
  auto found = inner_.find_by_id(id);
  if (live && found && found->has_value()) by_id_.put(id, **found, generation);
  return found;
}

Status CachedUserStore::set_password(const std::string& id, const std::string& password_hash, std::int64_t now) {
  auto st = inner_.set_password(id, password_hash, now);
  if (st) feed_.publish(kTopic, id);
  return st;
}

Status CachedUserStore::remove(const std::string& id) {
  auto st = inner_.remove(id);
  if (st) feed_.publish(kTopic, id);
  return st;
}

CachedClientStore::CachedClientStore(ClientStore& inner, ChangeFeed& feed) : inner_(inner), feed_(feed) {
  feed_.subscribe(std::string(kTopic), [this](std::string_view id) {
    if (id == ChangeFeed::kEverything) by_id_.clear();
    else by_id_.erase(std::string(id));
  });
}

Status CachedClientStore::create(const Client& client) {
  auto st = inner_.create(client);
  if (st) feed_.publish(kTopic, client.id);
  return st;
}

Result<std::optional<Client>> CachedClientStore::find(const std::string& id) {
  bool live = feed_.live();
  if (live)
    if (auto hit = by_id_.find(id)) return std::optional<Client>(std::move(*hit));
  auto generation = by_id_.generation();
  auto found = inner_.find(id);
  if (live && found && found->has_value()) by_id_.put(id, **found, generation);
  return found;
}

Status CachedClientStore::remove(const std::string& id) {
  auto st = inner_.remove(id);
  if (st) feed_.publish(kTopic, id);
  return st;
}

CachedRevocationStore::CachedRevocationStore(RevocationStore& inner, ChangeFeed& feed) : inner_(inner), feed_(feed) {
  // Revocations are rare next to checks: any of them empties the cache.
  feed_.subscribe(std::string(kTopic), [this](std::string_view) { answers_.clear(); });
}

Status CachedRevocationStore::revoke_token(const std::string& jti, std::int64_t expires_at) {
  auto st = inner_.revoke_token(jti, expires_at);
  if (st) feed_.publish(kTopic, jti);
  return st;
}

Status CachedRevocationStore::revoke_grant(const std::string& grant_id, std::int64_t now, std::int64_t keep_until) {
  auto st = inner_.revoke_grant(grant_id, now, keep_until);
  if (st) feed_.publish(kTopic, grant_id);
  return st;
}

Result<bool> CachedRevocationStore::is_revoked(const std::string& jti, const std::string& grant_id) {
  bool live = feed_.live();
  auto key = jti + '\n' + grant_id;
  if (live)
    if (auto hit = answers_.find(key)) return *hit;
  auto generation = answers_.generation();
  auto revoked = inner_.is_revoked(jti, grant_id);
  if (live && revoked) answers_.put(key, *revoked, generation);
  return revoked;
}

}  // namespace cells::store
