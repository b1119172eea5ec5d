#include "auth/authenticator.h"

#include "core/clock.h"
#include "crypto/hash.h"
#include "http/form.h"
#include "http/router.h"
#include "oidc/token_verify.h"
#include "tokens/pat_format.h"
#include "tokens/pat_service.h"

namespace cells::auth {

std::string_view kind_name(CredentialKind kind) {
  switch (kind) {
    case CredentialKind::oauth2: return "oauth2";
    case CredentialKind::personal: return "personal";
    case CredentialKind::password: return "password";
  }
  return "";
}

namespace {
Result<Principal> from_access_token(oidc::Provider& p, std::string_view token) {
  auto at = oidc::verify_access_token(p, token);
  if (!at) {
    if (at.error().code == "unavailable") return at.error();
    return err("invalid_credentials", at.error().message);
  }
  auto user = p.users.find_by_id(at->subject);
  if (!user) return user.error();
  if (!user->has_value()) return err("invalid_credentials", "the token does not belong to a user");
  return Principal{std::move(**user), CredentialKind::oauth2, at->client_id, at->scope, {}, at->expires_at};
}

}  // namespace

std::optional<PasswordCache::Entry> PasswordCache::find(const std::string& key, std::int64_t now) {
  std::lock_guard lock(mu_);
  auto it = entries_.find(key);
  if (it == entries_.end()) return std::nullopt;
  if (now - it->second.verified_at > kSeconds) {
    entries_.erase(it);
    return std::nullopt;
  }
  return it->second;
}

void PasswordCache::remember(const std::string& key, const std::string& user_id, std::int64_t now) {
  std::lock_guard lock(mu_);
  if (entries_.size() >= kMaxEntries) entries_.clear();  // crude bound; entries are cheap to rebuild
  entries_[key] = {user_id, now};
}

void PasswordCache::forget(const std::string& key) {
  std::lock_guard lock(mu_);
  entries_.erase(key);
}

Result<Principal> Authenticator::from_password(const std::string& login, const std::string& password,
                                               const std::string& address) {
  auto now = now_seconds();
  auto key = crypto::hex(crypto::sha256(store::login_key(login) + '\0' + password));
  if (auto hit = passwords_.find(key, now)) {
    auto user = p_.users.find_by_id(hit->user_id);
    if (!user) return user.error();
    // Valid only if the password has not changed since (or in the same second as) verification.
    if (user->has_value() && (*user)->password_changed_at < hit->verified_at)
      return Principal{std::move(**user), CredentialKind::password, "", "", {}, 0};
    passwords_.forget(key);
  }
  auto user = p_.accounts.authenticate(login, password, address);
  if (!user) {
    if (user.error().code == "unavailable") return user.error();
    return err("invalid_credentials", user.error().message);
  }
  passwords_.remember(key, user->id, now);
  return Principal{std::move(*user), CredentialKind::password, "", "", {}, 0};
}

Result<Principal> Authenticator::authenticate(const http::Request& req, bool allow_basic) {
  if (auto token = http::bearer_token(req)) {
    if (token->size() > 8192) return err("invalid_credentials", "token too long");
    if (tokens::looks_like_pat(*token)) return pats_.verify(*token, std::nullopt);
    return from_access_token(p_, *token);
  }
  if (allow_basic)
    if (auto basic = http::basic_credentials(req, false)) {
      if (tokens::looks_like_pat(basic->password)) return pats_.verify(basic->password, basic->user);
      return from_password(basic->user, basic->password, req.remote);
    }
  if (req.header("Authorization")) return err("invalid_credentials", "unsupported or malformed Authorization header");
  return err("no_credentials", "authentication is required");
}

http::Response challenge(const Error& e, bool basic) {
  if (e.code == "unavailable") {
    auto r = http::json_error(503, "temporarily_unavailable", "the database is not available");
    r.set("Retry-After", "5");
    return r;
  }
  auto r = http::json_error(401, e.code == "no_credentials" ? "unauthorized" : "invalid_token", e.message);
  std::string bearer = "Bearer realm=\"cells\"";
  if (e.code != "no_credentials") bearer += ", error=\"invalid_token\"";
  r.headers.emplace_back("WWW-Authenticate", bearer);
  if (basic) r.headers.emplace_back("WWW-Authenticate", "Basic realm=\"cells\", charset=\"UTF-8\"");
  return r;
}

}  // namespace cells::auth
