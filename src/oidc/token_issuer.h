// Mints the tokens of a grant: a JWT access token (RFC 9068), an ID token (OIDC Core §2) when
// `openid` was granted, and an opaque refresh token (stored by digest) when offline access was
// granted and the client may refresh. Shared by every grant so token shapes live in one place.
#pragma once
#include <boost/json/object.hpp>
#include <optional>
#include <string>

#include "core/result.h"
#include "oidc/errors.h"
#include "oidc/provider.h"
#include "oidc/scopes.h"
#include "store/clients.h"

namespace cells::oidc {

struct Grant {
  std::string grant_id;
  std::string subject;  // user id, or the client id for client_credentials
  const store::User* user = nullptr;
  Scopes scopes;
  std::string sid;
  std::int64_t auth_time = 0;
  std::string nonce;
  bool issue_refresh = false;
  // When rotating, the successor digest must be known before the store call; the issuer
  // hands back the raw token here.
  std::optional<std::string> refresh_token;
};

// The token response body (RFC 6749 §5.1). Saves a new refresh token unless grant.refresh_token
// is already set (rotation stored it).
Result<boost::json::object> issue_tokens(Provider& p, const store::Client& client, Grant& grant);

std::string mint_access_token(Provider& p, const store::Client& client, const Grant& grant, std::int64_t now);

}  // namespace cells::oidc
