// OIDC Core §5.3: claims about the user an access token was issued for, by granted scope.
// Errors per RFC 6750 §3 (WWW-Authenticate: Bearer).
#include <boost/json.hpp>

#include "http/form.h"
#include "oidc/claims.h"
#include "oidc/errors.h"
#include "oidc/endpoints.h"
#include "oidc/scopes.h"
#include "oidc/token_verify.h"

namespace cells::oidc {

namespace {
http::Response bearer_error(int status, const std::string& error, const std::string& description) {
  auto r = http::json_error(status, error, description);
  std::string challenge = "Bearer realm=\"cells\"";
  if (!error.empty()) challenge += ", error=\"" + error + "\", error_description=\"" + description + "\"";
  r.set("WWW-Authenticate", challenge);
  return r;
}
}  // namespace

http::Response userinfo(Provider& p, http::Request& req) {
  auto token = http::bearer_token(req);
  if (!token) return bearer_error(401, "invalid_token", "a Bearer access token is required");
  auto at = verify_access_token(p, *token);
  if (!at) {
    if (at.error().code == "unavailable") return json_response(server_unavailable());
    return bearer_error(401, "invalid_token", at.error().message);
  }
  auto scopes = parse_scopes(at->scope);
  if (!scopes.count("openid")) return bearer_error(403, "insufficient_scope", "the openid scope is required");
  auto user = p.users.find_by_id(at->subject);
  if (!user) return json_response(server_unavailable());
  if (!user->has_value()) return bearer_error(401, "invalid_token", "the user no longer exists");
  const auto& u = **user;
  boost::json::object claims{{"sub", u.id}};
  add_user_claims(claims, u, scopes);
  return http::Response::json(200, claims);
}

}  // namespace cells::oidc
