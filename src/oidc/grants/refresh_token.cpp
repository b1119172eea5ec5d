// RFC 6749 §6: refresh with rotation. Every use returns a new refresh token; replaying a used
// one (after the short grace of Lifetimes::refresh_grace) revokes the whole family.
#include "core/clock.h"
#include "crypto/hash.h"
#include "oidc/grants/grant.h"
#include "oidc/token_issuer.h"

namespace cells::oidc {

GrantResult refresh_token_grant(Provider& p, const store::Client& client, const http::Form& params) {
  auto presented = params.get("refresh_token");
  if (!presented || presented->size() > 256) return invalid_request("refresh_token is required");
  auto now = now_seconds();
  auto digest = crypto::secret_digest(*presented);
  // Check ownership first: another client must not be able to burn this token.
  auto existing = p.refresh_tokens.find(digest, now);
  if (!existing) return server_unavailable();
  if (existing->has_value() && (*existing)->client_id != client.id)
    return invalid_grant("the refresh token was issued to another client");

  auto scopes = parse_scopes((*existing) ? (*existing)->scope : "");
  if (auto asked = params.get("scope")) {
    auto narrowed = parse_scopes(*asked);
    for (const auto& s : narrowed)
      if (!scopes.count(s)) return invalid_scope("scope '" + s + "' was not granted originally");
    scopes = narrowed;
  }
  auto fresh = crypto::random_token(32);
  store::RefreshToken successor{crypto::secret_digest(fresh), "", client.id, "", join_scopes(scopes), "", 0, now,
                                now + p.lifetimes.refresh_token};
  if (*existing) {
    successor.user_id = (*existing)->user_id;
    successor.sid = (*existing)->sid;
    successor.auth_time = (*existing)->auth_time;
  }
  auto rotated = p.refresh_tokens.rotate(digest, successor, now, p.lifetimes.refresh_grace);
  if (!rotated) return server_unavailable();
  switch (rotated->outcome) {
    case store::Rotation::unknown:
    case store::Rotation::revoked: return invalid_grant("the refresh token is not valid");
    case store::Rotation::expired: return invalid_grant("the refresh token has expired");
    case store::Rotation::replayed:
      // The store revoked the family; saying it again through the revocation store tells every
      // node's cache (the write is idempotent).
      (void)p.revocations.revoke_grant(rotated->old_token.grant_id, now, now + 24 * 3600);
      return invalid_grant("the refresh token was already used; its family is revoked");
    case store::Rotation::rotated: break;
  }
  const auto& old = rotated->old_token;
  auto user = p.users.find_by_id(old.user_id);
  if (!user) return server_unavailable();
  if (!user->has_value()) return invalid_grant("the user no longer exists");
  Grant g;
  g.grant_id = old.grant_id;
  g.subject = old.user_id;
  g.user = &**user;
  g.scopes = scopes;
  g.sid = old.sid;
  g.auth_time = old.auth_time;
  g.issue_refresh = true;
  g.refresh_token = fresh;
  auto body = issue_tokens(p, client, g);
  if (!body) return server_unavailable();
  return std::move(*body);
}

}  // namespace cells::oidc
