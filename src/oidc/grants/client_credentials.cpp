// RFC 6749 §4.4: a confidential client gets an access token for itself (sub = client_id).
// No ID token and no refresh token (§4.4.3).
#include "core/uuid.h"
#include "oidc/grants/grant.h"
#include "oidc/token_issuer.h"

namespace cells::oidc {

GrantResult client_credentials_grant(Provider& p, const store::Client& client, const http::Form& params) {
  if (client.is_public) return unauthorized_client("public clients cannot use client_credentials");
  auto scopes = parse_scopes(params.get_or("scope"));
  for (const auto& s : scopes)
    if (s == "openid" || s == "offline_access" || s == "offline" || !known_scope(s))
      return invalid_scope("scope '" + s + "' is not available to client_credentials");
  Grant g;
  g.grant_id = new_uuid();
  g.subject = client.id;
  g.scopes = scopes;
  auto body = issue_tokens(p, client, g);
  if (!body) return server_unavailable();
  return std::move(*body);
}

}  // namespace cells::oidc
