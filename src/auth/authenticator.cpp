#include "auth/authenticator.h"

#include "http/form.h"
#include "http/router.h"
#include "oidc/token_verify.h"

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
Result<Principal> from_access_token(oidc::Provider& p, const std::string& token) {
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

Result<Principal> from_password(oidc::Provider& p, const http::BasicCredentials& c, const std::string& address) {
  auto user = p.accounts.authenticate(c.user, c.password, address);
  if (!user) {
    if (user.error().code == "unavailable") return user.error();
    return err("invalid_credentials", user.error().message);
  }
  return Principal{std::move(*user), CredentialKind::password, "", "", {}, 0};
}
}  // namespace

Result<Principal> authenticate(oidc::Provider& p, const http::Request& req, bool allow_basic) {
  if (auto token = http::bearer_token(req)) {
    if (token->size() > 8192) return err("invalid_credentials", "token too long");
    return from_access_token(p, *token);
  }
  if (allow_basic)
    if (auto basic = http::basic_credentials(req, false)) return from_password(p, *basic, req.remote);
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
