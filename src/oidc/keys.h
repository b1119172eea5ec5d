// The signing keys in use: one active key per algorithm (RS256, PS256, ES256, EdDSA), plus
// recently retired keys that still verify. Readers get an immutable snapshot (no lock held
// while signing or verifying); rotate() swaps in a new one. The JWKS document is serialized
// once per snapshot. With several nodes, a rotation on one is announced on the ChangeFeed and
// every node reloads; a token signed with a kid this node has never seen also triggers a reload
// (at most once a second), which covers the moment before the announcement arrives.
#pragma once
#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "core/result.h"
#include "crypto/jws.h"
#include "store/change_feed.h"
#include "store/signing_keys.h"

namespace cells::oidc {

class KeyRing {
 public:
  // Retired keys stay published this long: longer than any JWT we issue lives (ID token: 1 h).
  static constexpr std::int64_t kRetiredKeyGrace = 24 * 3600;

  struct Snapshot {
    std::map<crypto::Alg, crypto::SigningKey> active;
    std::map<std::string, crypto::SigningKey, std::less<>> by_kid;  // active and retired
    std::string jwks_json;
    const crypto::SigningKey& signing(crypto::Alg alg) const { return active.at(alg); }
    const crypto::SigningKey* find(std::string_view kid) const;
  };

  explicit KeyRing(store::SigningKeyStore& store, store::ChangeFeed* feed = nullptr);

  // Loads the stored keys and creates an active key for every algorithm that has none.
  Status load();
  // New keys for every algorithm; the old ones are retired (still verify for kRetiredKeyGrace).
  Status rotate();
  std::shared_ptr<const Snapshot> snapshot() const;
  // The snapshot after a reload, if `kid` is unknown and the last reload is over a second old.
  std::shared_ptr<const Snapshot> refreshed_for(std::string_view kid);

 private:
  Status add_fresh_keys(bool all);
  Status reload();
  static constexpr std::string_view kTopic = "keys";
  store::SigningKeyStore& store_;
  store::ChangeFeed* feed_;
  std::atomic<std::int64_t> last_reload_ms_{0};
  mutable std::mutex mu_;
  std::shared_ptr<const Snapshot> current_;
};

}  // namespace cells::oidc
