#include "oidc/token_verify.h"

#include <boost/json.hpp>

#include "core/clock.h"
#include "crypto/hash.h"
#include "crypto/jws.h"

namespace cells::oidc {

namespace json = boost::json;

namespace {
std::string text(const json::object& o, const char* key) {
  auto* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->as_string()) : std::string();
}
std::int64_t number(const json::object& o, const char* key) {
  auto* v = o.if_contains(key);
  return v && v->is_int64() ? v->as_int64() : 0;
}

Result<crypto::VerifiedJwt> verify_ours(Provider& p, std::string_view jwt) {
  auto keys = p.keys.snapshot();
  auto verified = crypto::verify_jwt(jwt, [&](std::string_view kid) {
    auto* key = keys->find(kid);
    if (!key) {  // perhaps rotated on another node a moment ago
      keys = p.keys.refreshed_for(kid);
      key = keys->find(kid);
    }
    return key;
  });
  if (!verified) return err("invalid_token", "token signature is not valid");
  if (text(verified->payload, "iss") != p.issuer()) return err("invalid_token", "token was issued by someone else");
  return verified;
}

Result<AccessToken> verify_signed_access_token(Provider& p, std::string_view jwt) {
  auto v = verify_ours(p, jwt);
  if (!v) return v.error();
  if (text(v->header, "typ") != "at+jwt") return err("invalid_token", "not an access token");
  const auto& c = v->payload;
  AccessToken t{text(c, "sub"), text(c, "client_id"), text(c, "scope"), text(c, "jti"),
                text(c, "gid"), number(c, "iat"),     number(c, "exp")};
  if (t.subject.empty() || t.jti.empty()) return err("invalid_token", "token lacks sub or jti");
  return t;
}

// The checked claims of `jwt`, from the cache when it was seen before.
Result<AccessToken> checked_access_token(Provider& p, std::string_view jwt) {
  if (!p.verified_tokens) return verify_signed_access_token(p, jwt);
  auto key = crypto::sha256(jwt);
  if (auto hit = p.verified_tokens->cache.find(key)) return std::move(*hit);
  auto generation = p.verified_tokens->cache.generation();
  auto t = verify_signed_access_token(p, jwt);
  if (t) p.verified_tokens->cache.put(key, *t, generation);
  return t;
}
}  // namespace

Result<AccessToken> verify_access_token(Provider& p, std::string_view jwt) {
  auto t = checked_access_token(p, jwt);
  if (!t) return t.error();
  if (t->expires_at <= now_seconds()) return err("invalid_token", "token expired");
  auto revoked = p.revocations.is_revoked(t->jti, t->grant_id);
  if (!revoked) return revoked.error();
  if (*revoked) return err("invalid_token", "token was revoked");
  return t;
}

Result<json::object> verify_id_token_hint(Provider& p, std::string_view jwt) {
  auto v = verify_ours(p, jwt);
  if (!v) return v.error();
  if (text(v->header, "typ") == "at+jwt") return err("invalid_token", "not an ID token");
  return std::move(v->payload);
}

}  // namespace cells::oidc
