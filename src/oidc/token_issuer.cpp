#include "oidc/token_issuer.h"

#include <boost/json.hpp>

#include "core/clock.h"
#include "core/uuid.h"
#include "crypto/hash.h"
#include "oidc/claims.h"

namespace cells::oidc {

namespace json = boost::json;

namespace {
crypto::Alg alg_or(const std::string& name, crypto::Alg fallback) {
  return crypto::alg_from_name(name).value_or(fallback);
}

}  // namespace

std::string mint_access_token(Provider& p, const store::Client& client, const Grant& g, std::int64_t now) {
  json::object claims{{"iss", p.issuer()},
                      {"sub", g.subject},
                      {"aud", p.config.site_url},
                      {"client_id", client.id},
                      {"scope", join_scopes(g.scopes)},
                      {"iat", now},
                      {"exp", now + p.lifetimes.access_token},
                      {"jti", new_uuid()},
                      {"gid", g.grant_id}};
  if (g.auth_time) claims["auth_time"] = g.auth_time;
  if (!g.sid.empty()) claims["sid"] = g.sid;
  auto keys = p.keys.snapshot();
  return crypto::sign_jwt(keys->signing(alg_or(client.access_token_alg, crypto::Alg::ES256)), claims, "at+jwt");
}

namespace {
std::string mint_id_token(Provider& p, const store::Client& client, const Grant& g, const std::string& access_token,
                          std::int64_t now) {
  auto alg = alg_or(client.id_token_alg, crypto::Alg::RS256);
  json::object claims{{"iss", p.issuer()},       {"sub", g.subject},
                      {"aud", client.id},        {"iat", now},
                      {"exp", now + p.lifetimes.id_token}, {"auth_time", g.auth_time},
                      {"at_hash", crypto::left_half_hash(alg, access_token)}};
  if (!g.nonce.empty()) claims["nonce"] = g.nonce;
  if (!g.sid.empty()) claims["sid"] = g.sid;
  if (g.user) add_user_claims(claims, *g.user, g.scopes);
  return crypto::sign_jwt(p.keys.snapshot()->signing(alg), claims, "JWT");
}
}  // namespace

Result<json::object> issue_tokens(Provider& p, const store::Client& client, Grant& g) {
  auto now = now_seconds();
  std::string access = mint_access_token(p, client, g, now);
  json::object body{{"access_token", access},
                    {"token_type", "Bearer"},
                    {"expires_in", p.lifetimes.access_token},
                    {"scope", join_scopes(g.scopes)}};
  if (g.scopes.count("openid") && g.user) body["id_token"] = mint_id_token(p, client, g, access, now);
  if (g.issue_refresh) {
    if (!g.refresh_token) {
      g.refresh_token = crypto::random_token(32);
      store::RefreshToken rt{crypto::secret_digest(*g.refresh_token), g.grant_id, client.id, g.subject,
                             join_scopes(g.scopes), g.sid, g.auth_time, now, now + p.lifetimes.refresh_token};
      if (auto st = p.refresh_tokens.save(rt); !st) return st.error();
    }
    body["refresh_token"] = *g.refresh_token;
  }
  return body;
}

}  // namespace cells::oidc
