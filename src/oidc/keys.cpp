#include "oidc/keys.h"

#include <spdlog/spdlog.h>

#include <boost/json.hpp>

#include "core/clock.h"
#include "core/memory_only.h"

namespace cells::oidc {

namespace {
constexpr crypto::Alg kAlgs[] = {crypto::Alg::RS256, crypto::Alg::PS256, crypto::Alg::ES256, crypto::Alg::EdDSA};
}

const crypto::SigningKey* KeyRing::Snapshot::find(std::string_view kid) const {
  auto it = by_kid.find(kid);
  return it == by_kid.end() ? nullptr : &it->second;
}

KeyRing::KeyRing(store::SigningKeyStore& store, store::ChangeFeed* feed) : store_(store), feed_(feed) {
  if (feed_)
    feed_->subscribe(std::string(kTopic), [this](std::string_view) {
      if (auto st = reload(); !st) spdlog::error("signing keys not reloaded: {}", st.error().message);
    });
}

std::shared_ptr<const KeyRing::Snapshot> KeyRing::refreshed_for(std::string_view kid) {
  auto snap = snapshot();
  if (snap->find(kid)) return snap;
  // A reload reads the database: on an I/O-thread attempt, refuse before spending the
  // once-a-second allowance, so the worker's retry can still reload.
  if (MemoryOnly::refuse()) return snap;
  auto now = now_millis();
  auto last = last_reload_ms_.load();
  if (now - last < 1000 || !last_reload_ms_.compare_exchange_strong(last, now)) return snap;
  (void)reload();
  return snapshot();
}

std::shared_ptr<const KeyRing::Snapshot> KeyRing::snapshot() const {
  std::lock_guard lock(mu_);
  return current_;
}

Status KeyRing::reload() {
  auto now = now_seconds();
  if (auto st = store_.purge_retired_before(now - kRetiredKeyGrace); !st) return st;
  auto stored = store_.list();
  if (!stored) return stored.error();
  auto snap = std::make_shared<Snapshot>();
  boost::json::array jwks;
  for (const auto& k : *stored) {
    auto alg = crypto::alg_from_name(k.alg);
    if (!alg) continue;
    auto key = crypto::SigningKey::from_pem(*alg, k.private_pem);
    if (!key) return err("keys", "stored signing key " + k.kid + " is unreadable: " + key.error().message);
    if (k.retired_at == 0) snap->active.insert_or_assign(*alg, *key);
    snap->by_kid.emplace(key->kid(), *key);
    jwks.push_back(key->public_jwk());
  }
  snap->jwks_json = boost::json::serialize(boost::json::object{{"keys", jwks}});
  std::lock_guard lock(mu_);
  current_ = std::move(snap);
  return ok();
}

Status KeyRing::add_fresh_keys(bool all) {
  auto snap = snapshot();
  std::vector<store::StoredKey> fresh;
  for (auto alg : kAlgs) {
    if (!all && snap && snap->active.count(alg)) continue;
    auto key = crypto::SigningKey::generate(alg);
    if (!key) return key.error();
    fresh.push_back({key->kid(), std::string(crypto::alg_name(alg)), key->private_pem(), now_seconds(), 0});
  }
  if (fresh.empty()) return ok();
  if (auto st = store_.replace_active(fresh, now_seconds()); !st) return st;
  spdlog::info("signing keys created count={}", fresh.size());
  if (auto st = reload(); !st) return st;
  if (feed_) feed_->publish(kTopic, "rotated");  // other nodes reload (this one again, harmlessly)
  return ok();
}

Status KeyRing::load() {
  if (auto st = reload(); !st) return st;
  return add_fresh_keys(false);
}

Status KeyRing::rotate() { return add_fresh_keys(true); }

}  // namespace cells::oidc
