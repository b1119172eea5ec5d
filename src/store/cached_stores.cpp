#include "store/cached_stores.h"

namespace cells::store {

namespace {
// Evicts `id` (or everything) from `cache` when the feed announces a change on `topic`.
template <typename V>
void evict_on(ChangeFeed& feed, std::string_view topic, BoundedCache<V>& cache) {
  feed.subscribe(std::string(topic), [&cache](std::string_view id) {
    if (id == ChangeFeed::kEverything) cache.clear();
    else cache.erase(std::string(id));
  });
}

// The cached value for `key`, else load() (remembered only if nothing was evicted meanwhile).
template <typename V, typename Load>
Result<std::optional<V>> read_through(ChangeFeed& feed, BoundedCache<V>& cache, const std::string& key, Load load) {
  bool live = feed.live();
  if (live)
    if (auto hit = cache.find(key)) return std::optional<V>(std::move(*hit));
  auto generation = cache.generation();
  Result<std::optional<V>> found = load();
  if (live && found && found->has_value()) cache.put(key, **found, generation);
  return found;
}

// Runs a change and, if it succeeded, announces it on `topic` for `id`.
Status announced(ChangeFeed& feed, std::string_view topic, const std::string& id, Status st) {
  if (st) feed.publish(topic, id);
  return st;
}
}  // namespace

CachedUserStore::CachedUserStore(UserStore& inner, ChangeFeed& feed) : inner_(inner), feed_(feed) {
  evict_on(feed_, kTopic, by_id_);
}

Result<std::optional<User>> CachedUserStore::find_by_id(const std::string& id) {
  return read_through(feed_, by_id_, id, [&] { return inner_.find_by_id(id); });
}

Status CachedUserStore::set_password(const std::string& id, const std::string& password_hash, std::int64_t now) {
  return announced(feed_, kTopic, id, inner_.set_password(id, password_hash, now));
}

Status CachedUserStore::remove(const std::string& id) { return announced(feed_, kTopic, id, inner_.remove(id)); }

CachedClientStore::CachedClientStore(ClientStore& inner, ChangeFeed& feed) : inner_(inner), feed_(feed) {
  evict_on(feed_, kTopic, by_id_);
}

Status CachedClientStore::create(const Client& client) {
  return announced(feed_, kTopic, client.id, inner_.create(client));
}

Result<std::optional<Client>> CachedClientStore::find(const std::string& id) {
  return read_through(feed_, by_id_, id, [&] { return inner_.find(id); });
}

Status CachedClientStore::remove(const std::string& id) { return announced(feed_, kTopic, id, inner_.remove(id)); }

CachedRefreshTokenStore::CachedRefreshTokenStore(RefreshTokenStore& inner, ChangeFeed& feed)
    : inner_(inner), feed_(feed) {
  evict_on(feed_, kTopic, by_hash_);
  for (auto topic : {CachedRevocationStore::kTopic, CachedClientStore::kTopic})
    feed_.subscribe(std::string(topic), [this](std::string_view) { by_hash_.clear(); });
}

Result<RotatedToken> CachedRefreshTokenStore::rotate(const std::string& token_hash, RefreshToken successor,
                                                     std::int64_t now, std::int64_t grace_seconds) {
  auto rotated = inner_.rotate(token_hash, std::move(successor), now, grace_seconds);
  if (rotated && rotated->outcome == Rotation::rotated) feed_.publish(kTopic, token_hash);  // now used
  return rotated;
}

Result<std::optional<RefreshToken>> CachedRefreshTokenStore::find(const std::string& token_hash, std::int64_t now) {
  auto found = read_through(feed_, by_hash_, token_hash, [&] { return inner_.find(token_hash, now); });
  if (found && found->has_value() && (*found)->expires_at <= now) return std::optional<RefreshToken>();
  return found;
}

CachedRevocationStore::CachedRevocationStore(RevocationStore& inner, ChangeFeed& feed) : inner_(inner), feed_(feed) {
  // Revocations are rare next to checks: any of them empties the cache.
  feed_.subscribe(std::string(kTopic), [this](std::string_view) { answers_.clear(); });
}

Status CachedRevocationStore::revoke_token(const std::string& jti, std::int64_t expires_at) {
  return announced(feed_, kTopic, jti, inner_.revoke_token(jti, expires_at));
}

Status CachedRevocationStore::revoke_grant(const std::string& grant_id, std::int64_t now, std::int64_t keep_until) {
  return announced(feed_, kTopic, grant_id, inner_.revoke_grant(grant_id, now, keep_until));
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
