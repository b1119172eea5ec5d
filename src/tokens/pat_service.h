// Personal access tokens (Method 2 of the reference): creation, listing, revocation, and the
// check made on every request that presents one.
//
// Sliding windows without a write per request: verified tokens are kept in memory with their
// current expiry; a use moves the in-memory expiry to now + window (capped) and marks it dirty;
// flush() writes dirty expiries in one transaction (the server calls it every second and at
// shutdown). A token is refused as soon as its in-memory expiry passes. If the process dies
// before a flush, the stored expiry is the older, earlier one: a token may die up to a second
// early, never live too long. Revocation evicts the cached entry on every node (ChangeFeed);
// an entry is re-read from the database when it seems expired (another node may have slid it)
// and while the feed is down. A password change disables every token created before it (the
// user is read on every use). See docs/tokens.md.
#pragma once
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "auth/authenticator.h"
#include "core/result.h"
#include "store/change_feed.h"
#include "store/personal_tokens.h"
#include "store/users.h"

namespace cells::tokens {

// "node:UUID:PERM", PERM one of r, w, rw (or wr). Error "invalid_input".
Result<auth::NodeScope> parse_node_scope(std::string_view text);
std::string format_node_scope(const auth::NodeScope& s);

struct NewPat {
  std::string user_id;
  std::string label;
  std::string created_by;
  std::optional<std::int64_t> expire_seconds;  // -e: hard limit (or cap, with a window)
  std::optional<std::int64_t> window_seconds;  // -a: sliding window
  std::vector<auth::NodeScope> scopes;
};

struct CreatedPat {
  std::string token;  // shown once
  store::PersonalToken record;
};

class PatService {
 public:
  // `feed` (optional) carries revocations between nodes.
  PatService(store::PersonalTokenStore& store, store::UserStore& users, std::int64_t max_lifetime_seconds,
             store::ChangeFeed* feed = nullptr);

  // Error "invalid_input": neither -e nor -a, non-positive or beyond the server's maximum.
  Result<CreatedPat> create(const NewPat& request);
  Result<std::vector<store::PersonalToken>> list(const std::string& user_id) { return store_.list(user_id); }
  Status revoke(const std::string& id);

  // The principal for a presented token, or "invalid_credentials" / "unavailable".
  // `login`, when given (Basic auth), must be the token's user.
  Result<auth::Principal> verify(std::string_view token, const std::optional<std::string>& login);
  // A token's current state for introspection (nullopt when not active).
  std::optional<store::PersonalToken> describe(std::string_view token);

  Status flush();
  std::int64_t max_lifetime() const { return max_lifetime_; }
  static constexpr std::size_t kMaxCached = 100000;

 private:
  static constexpr std::string_view kTopic = "pat";
  struct Entry {
    store::PersonalToken record;
    bool dirty = false;  // expiry slid here, not flushed yet
    bool stale = false;  // the feed was down: re-read before trusting
  };
  Result<store::PersonalToken> use(const std::string& hash, std::int64_t now);
  static store::PersonalToken record_use(Entry& e, std::int64_t now);
  Result<bool> reload(const std::string& hash);
  void forget(std::string_view hash);

  store::PersonalTokenStore& store_;
  store::UserStore& users_;
  std::int64_t max_lifetime_;
  store::ChangeFeed* feed_;
  std::mutex mu_;
  std::uint64_t generation_ = 0;  // bumped by every eviction (see reload)
  std::unordered_map<std::string, Entry> cache_;
};

}  // namespace cells::tokens
