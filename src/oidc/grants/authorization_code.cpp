// RFC 6749 §4.1.3 with RFC 7636 §4.6: exchange a single-use code bound to the client, the
// redirect URI and the PKCE challenge. A replayed code revokes everything it issued (§4.1.2).
#include "core/clock.h"
#include "crypto/hash.h"
#include "oidc/authorize/request.h"
#include "oidc/grants/grant.h"
#include "oidc/token_issuer.h"

namespace cells::oidc {

namespace {
std::optional<OAuthError> check_code_verifier(const store::AuthorizationCode& code, const http::Form& params) {
  auto verifier = params.get("code_verifier");
  if (code.code_challenge.empty()) {
    if (verifier) return invalid_grant("code_verifier sent but the authorization request had no code_challenge");
    return std::nullopt;
  }
  if (!verifier) return invalid_grant("code_verifier is required");
  if (!valid_pkce_value(*verifier)) return invalid_request("code_verifier is malformed");
  auto computed = crypto::base64url_encode(crypto::sha256(*verifier));
  if (!crypto::constant_time_equal(computed, code.code_challenge)) return invalid_grant("code_verifier does not match");
  return std::nullopt;
}
}  // namespace

GrantResult authorization_code_grant(Provider& p, const store::Client& client, const http::Form& params) {
  auto code_text = params.get("code");
  if (!code_text || code_text->size() > 256) return invalid_request("code is required");
  auto now = now_seconds();
  auto redeemed = p.codes.redeem(crypto::secret_digest(*code_text), now);
  if (!redeemed) return server_unavailable();
  const auto& code = redeemed->code;
  switch (redeemed->outcome) {
    case store::Redemption::unknown: return invalid_grant("the code is not valid");
    case store::Redemption::expired: return invalid_grant("the code has expired");
    case store::Redemption::replayed:
      (void)p.revocations.revoke_grant(code.grant_id, now, now + p.lifetimes.refresh_token);
      return invalid_grant("the code was already used; the tokens it issued are revoked");
    case store::Redemption::redeemed: break;
  }
  if (code.client_id != client.id) return invalid_grant("the code was issued to another client");
  if (params.get_or("redirect_uri") != code.redirect_uri) return invalid_grant("redirect_uri does not match");
  if (auto e = check_code_verifier(code, params)) return *e;

  auto user = p.users.find_by_id(code.user_id);
  if (!user) return server_unavailable();
  if (!user->has_value()) return invalid_grant("the user no longer exists");
  Grant g;
  g.grant_id = code.grant_id;
  g.subject = code.user_id;
  g.user = &**user;
  g.scopes = parse_scopes(code.scope);
  g.sid = code.sid;
  g.auth_time = code.auth_time;
  g.nonce = code.nonce;
  g.issue_refresh = wants_refresh(g.scopes) &&
                    std::count(client.grant_types.begin(), client.grant_types.end(), "refresh_token") > 0;
  auto body = issue_tokens(p, client, g);
  if (!body) return server_unavailable();
  return std::move(*body);
}

}  // namespace cells::oidc
