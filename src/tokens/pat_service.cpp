#include "tokens/pat_service.h"

#include "core/clock.h"
#include "core/uuid.h"
#include "crypto/hash.h"
#include "tokens/pat_format.h"

namespace cells::tokens {

Result<auth::NodeScope> parse_node_scope(std::string_view text) {
  auto bad = [&] { return err("invalid_input", "scope '" + std::string(text) + "' must be node:NODE_UUID:PERMISSION with PERMISSION r, w or rw"); };
  if (!text.starts_with("node:") || text.size() < 5 + 36 + 2) return bad();
  auto uuid = text.substr(5, 36);
  if (!is_uuid(uuid) || text[41] != ':') return bad();
  auto perm = text.substr(42);
  if (perm != "r" && perm != "w" && perm != "rw" && perm != "wr") return bad();
  return auth::NodeScope{std::string(uuid), perm.find('r') != std::string_view::npos,
                         perm.find('w') != std::string_view::npos};
}

std::string format_node_scope(const auth::NodeScope& s) {
  return "node:" + s.node_uuid + ":" + (s.read ? "r" : "") + (s.write ? "w" : "");
}

Result<CreatedPat> PatService::create(const NewPat& in) {
  if (!in.expire_seconds && !in.window_seconds) return err("invalid_input", "give -e (hard expiry) or -a (sliding window)");
  for (auto v : {in.expire_seconds, in.window_seconds})
    if (v && (*v <= 0 || *v > max_lifetime_))
      return err("invalid_input", "lifetimes must be between 1 second and the server maximum of " +
                                      std::to_string(max_lifetime_) + " seconds");
  if (in.label.size() > 256) return err("invalid_input", "label must be at most 256 characters");
  auto now = now_seconds();
  CreatedPat out;
  out.token = new_pat();
  auto& r = out.record;
  r.id = new_uuid().substr(0, 8) + new_uuid().substr(9, 4);
  r.token_hash = crypto::secret_digest(out.token);
  r.user_id = in.user_id;
  r.label = in.label;
  r.created_by = in.created_by;
  r.created_at = now;
  r.window_seconds = in.window_seconds.value_or(0);
  // Sliding tokens are capped by -e, else by the server's maximum lifetime.
  r.max_expires_at = r.window_seconds ? now + in.expire_seconds.value_or(max_lifetime_) : 0;
  r.expires_at = r.window_seconds ? std::min(now + r.window_seconds, r.max_expires_at) : now + *in.expire_seconds;
  for (const auto& s : in.scopes) r.scopes.push_back(format_node_scope(s));
  if (auto st = store_.create(r); !st) return st.error();
  return out;
}

PatService::PatService(store::PersonalTokenStore& store, store::UserStore& users, std::int64_t max_lifetime_seconds,
                       store::ChangeFeed* feed)
    : store_(store), users_(users), max_lifetime_(max_lifetime_seconds), feed_(feed) {
  if (feed_) feed_->subscribe(std::string(kTopic), [this](std::string_view key) { forget(key); });
}

void PatService::forget(std::string_view hash) {
  std::lock_guard lock(mu_);
  ++generation_;
  if (hash == store::ChangeFeed::kEverything) {
    for (auto& [h, e] : cache_) e.stale = true;
  } else if (auto it = cache_.find(std::string(hash)); it != cache_.end()) {
    cache_.erase(it);
  }
}

Status PatService::revoke(const std::string& id) {
  auto hash = store_.remove(id);
  if (!hash) return hash.error();
  if (feed_) feed_->publish(kTopic, *hash);
  else forget(*hash);
  return ok();
}

// Reloads a token from the database, keeping this node's unflushed slide: another node may have
// slid it further (its flush lands within a second), or revoked it (the row is gone).
// A revocation announced while we read (generation moved) may postdate what we read: read again.
Result<bool> PatService::reload(const std::string& hash) {
  Result<std::optional<store::PersonalToken>> found = std::optional<store::PersonalToken>();
  std::unique_lock lock(mu_, std::defer_lock);
  for (int attempt = 0;; ++attempt) {
    lock.lock();
    auto generation = generation_;
    lock.unlock();
    found = store_.find_by_hash(hash);
    if (!found) return found.error();
    lock.lock();
    if (generation == generation_) break;
    lock.unlock();
    if (attempt == 3) return err("unavailable", "personal token cache is too busy");
  }
  if (!found->has_value()) {
    cache_.erase(hash);
    return false;
  }
  Entry fresh{std::move(**found), false, false};
  if (auto it = cache_.find(hash); it != cache_.end() && it->second.dirty) {
    const auto& mine = it->second;
    fresh.record.expires_at = std::max(fresh.record.expires_at, mine.record.expires_at);
    fresh.record.last_used_at = std::max(fresh.record.last_used_at, mine.record.last_used_at);
    fresh.dirty = true;
  }
  if (cache_.size() >= kMaxCached)  // bound memory: forget clean entries, they reload on demand
    std::erase_if(cache_, [](const auto& kv) { return !kv.second.dirty; });
  cache_.insert_or_assign(hash, std::move(fresh));
  return true;
}

// Moves a sliding window forward and marks the use for the next flush; the caller holds mu_.
store::PersonalToken PatService::record_use(Entry& e, std::int64_t now) {
  if (e.record.window_seconds) {
    auto next = now + e.record.window_seconds;
    if (e.record.max_expires_at) next = std::min(next, e.record.max_expires_at);
    e.record.expires_at = std::max(e.record.expires_at, next);
  }
  e.record.last_used_at = now;
  e.dirty = true;
  return e.record;
}

// A token seen before takes one lock and one lookup. Otherwise (unknown here, stale, seemingly
// expired, or the feed is down) it is read again from the database first.
Result<store::PersonalToken> PatService::use(const std::string& hash, std::int64_t now) {
  bool feed_live = !feed_ || feed_->live();
  {
    std::lock_guard lock(mu_);
    auto it = cache_.find(hash);
    if (it != cache_.end() && feed_live && !it->second.stale && it->second.record.expires_at > now)
      return record_use(it->second, now);
  }
  auto present = reload(hash);
  if (!present) return present.error();
  if (!*present) return err("invalid_credentials", "unknown or revoked token");
  std::lock_guard lock(mu_);
  auto it = cache_.find(hash);
  if (it == cache_.end()) return err("invalid_credentials", "unknown or revoked token");
  if (it->second.record.expires_at <= now) {
    if (!it->second.dirty) cache_.erase(it);
    return err("invalid_credentials", "token expired");
  }
  return record_use(it->second, now);
}

Result<auth::Principal> PatService::verify(std::string_view token, const std::optional<std::string>& login) {
  if (!well_formed_pat(token)) return err("invalid_credentials", "malformed token");
  auto now = now_seconds();
  auto record = use(crypto::secret_digest(token), now);
  if (!record) return record.error();
  auto user = users_.find_by_id(record->user_id);
  if (!user) return user.error();
  if (!user->has_value()) return err("invalid_credentials", "the token's user no longer exists");
  if ((*user)->password_changed_at > record->created_at)
    return err("invalid_credentials", "the user's password changed after this token was created");
  if (login && store::login_key(*login) != store::login_key((*user)->login))
    return err("invalid_credentials", "this token belongs to another user");
  auth::Principal p{std::move(**user), auth::CredentialKind::personal, "", "", {}, record->expires_at};
  for (const auto& s : record->scopes)
    if (auto scope = parse_node_scope(s)) p.node_scopes.push_back(*scope);
  return p;
}

std::optional<store::PersonalToken> PatService::describe(std::string_view token) {
  if (!well_formed_pat(token)) return std::nullopt;
  auto hash = crypto::secret_digest(token);
  {
    std::lock_guard lock(mu_);
    if (auto it = cache_.find(hash); it != cache_.end())
      return it->second.record.expires_at > now_seconds() ? std::optional(it->second.record) : std::nullopt;
  }
  auto found = store_.find_by_hash(hash);
  if (!found || !found->has_value() || (*found)->expires_at <= now_seconds()) return std::nullopt;
  return **found;
}

Status PatService::flush() {
  std::vector<store::TokenUse> uses;
  {
    std::lock_guard lock(mu_);
    for (auto& [hash, e] : cache_)
      if (e.dirty) {
        uses.push_back({hash, e.record.expires_at, e.record.last_used_at});
        e.dirty = false;
      }
  }
  if (uses.empty()) return ok();
  return store_.record_uses(uses);
}

}  // namespace cells::tokens
