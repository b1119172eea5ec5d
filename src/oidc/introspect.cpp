// RFC 7662: token introspection, for authenticated confidential clients only (a public client
// cannot prove who it is). Inactive, unknown and foreign-issuer tokens are {"active": false}.
#include <boost/json.hpp>

#include "core/clock.h"
#include "crypto/hash.h"
#include "oidc/clients/client_auth.h"
#include "oidc/endpoints.h"
#include "oidc/token_verify.h"
#include "tokens/pat_format.h"
#include "tokens/pat_service.h"

namespace cells::oidc {

namespace json = boost::json;

namespace {
json::object describe_refresh(Provider& p, const store::RefreshToken& t) {
  return {{"active", true},         {"token_type", "refresh_token"}, {"sub", t.user_id},
          {"client_id", t.client_id}, {"scope", t.scope},            {"exp", t.expires_at},
          {"iat", t.created_at},    {"iss", p.issuer()}};
}

// RFC 7662 §2.2 for a personal access token: active, sub, username, scope, exp.
std::optional<json::object> describe_pat(Provider& p, const std::string& token) {
  if (!p.personal_tokens || !tokens::looks_like_pat(token)) return std::nullopt;
  auto t = p.personal_tokens->describe(token);
  if (!t) return json::object{{"active", false}};
  json::object o{{"active", true}, {"token_type", "personal_access_token"}, {"sub", t->user_id},
                 {"exp", t->expires_at}, {"iat", t->created_at}, {"iss", p.issuer()}};
  std::string scope;
  for (const auto& s : t->scopes) scope += (scope.empty() ? "" : " ") + s;
  o["scope"] = scope;
  if (auto u = p.users.find_by_id(t->user_id); u && u->has_value()) o["username"] = (*u)->login;
  return o;
}

Result<json::object> describe(Provider& p, const std::string& token) {
  if (auto pat = describe_pat(p, token)) return *pat;
  auto at = verify_access_token(p, token);
  if (at) {
    json::object o{{"active", true},       {"token_type", "access_token"}, {"sub", at->subject},
                   {"client_id", at->client_id}, {"scope", at->scope},         {"exp", at->expires_at},
                   {"iat", at->issued_at}, {"jti", at->jti},               {"iss", p.issuer()},
                   {"aud", p.config.site_url}};
    if (auto u = p.users.find_by_id(at->subject); u && u->has_value()) o["username"] = (*u)->login;
    return o;
  }
  if (at.error().code == "unavailable") return at.error();
  if (token.size() <= 256) {
    const auto now = now_seconds();
    auto rt = p.refresh_tokens.find(crypto::secret_digest(token), now);
    if (!rt) return rt.error();
    // A token whose use would be a replay (revoking its family) is not active (RFC 7662 §2.2).
    if (rt->has_value() && !(*rt)->replay_at(now, p.lifetimes.refresh_grace))
      return describe_refresh(p, **rt);
  }
  return json::object{{"active", false}};
}
}  // namespace

http::Response introspect(Provider& p, http::Request& req) {
  auto read = read_client_request(p.clients, req, {"token", "token_type_hint"});
  if (auto* res = std::get_if<http::Response>(&read)) return std::move(*res);
  auto& [params, client] = std::get<ClientRequest>(read);
  if (client.is_public) return json_response(invalid_client("introspection requires a confidential client"));
  auto token = params.get("token");
  if (!token) return json_response(invalid_request("token is required"));
  auto body = describe(p, *token);
  if (!body) return json_response(server_unavailable());
  return http::Response::json(200, *body);
}

}  // namespace cells::oidc
