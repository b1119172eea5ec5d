// RFC 7009: token revocation. A refresh token revokes its whole grant (its access tokens
// included); an access token is revoked by jti. Unknown or foreign tokens still get 200 (§2.2).
#include "core/clock.h"
#include "crypto/hash.h"
#include "oidc/clients/client_auth.h"
#include "oidc/endpoints.h"
#include "oidc/token_verify.h"

namespace cells::oidc {

http::Response revoke(Provider& p, http::Request& req) {
  auto read = read_client_request(p.clients, req, {"token", "token_type_hint"});
  if (auto* res = std::get_if<http::Response>(&read)) return std::move(*res);
  auto& [params, client] = std::get<ClientRequest>(read);
  auto token = params.get("token");
  if (!token) return json_response(invalid_request("token is required"));
  auto now = now_seconds();
  if (token->size() <= 256) {
    auto rt = p.refresh_tokens.find(crypto::secret_digest(*token), now);
    if (!rt) return json_response(server_unavailable());
    if (rt->has_value() && (*rt)->client_id == client.id) {
      if (!p.revocations.revoke_grant((*rt)->grant_id, now, now + p.lifetimes.refresh_token))
        return json_response(server_unavailable());
      return http::Response::empty(200);
    }
  }
  auto at = verify_access_token(p, *token);
  if (at && at->client_id == client.id && !p.revocations.revoke_token(at->jti, at->expires_at))
    return json_response(server_unavailable());
  return http::Response::empty(200);
}

}  // namespace cells::oidc
