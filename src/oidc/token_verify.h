// Verification of the JWTs this provider issued: access tokens (RFC 9068 §4 checks) and ID
// tokens presented back as hints (signature and issuer; expiry ignored, as OIDC allows).
#pragma once
#include <boost/json/object.hpp>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/bounded_cache.h"
#include "core/result.h"
#include "oidc/provider.h"

namespace cells::oidc {

struct AccessToken {
  std::string subject;
  std::string client_id;
  std::string scope;
  std::string jti;
  std::string grant_id;
  std::int64_t issued_at = 0;
  std::int64_t expires_at = 0;
};

// Access tokens whose signature and claims were already checked, by SHA-256 of the token: a
// token seen before costs a hash and a lookup, not a signature verification. (Revocation is
// still checked on every use, through the cached RevocationStore.)
class VerifiedTokens {
 public:
  BoundedCache<AccessToken> cache{50000};
};

// Signature by one of our keys, typ "at+jwt", our issuer, not expired, not revoked.
// Errors: "invalid_token" (message says why), "unavailable".
Result<AccessToken> verify_access_token(Provider& p, std::string_view jwt);

// Claims of an ID token we signed for any client (exp not checked). Error "invalid_token".
Result<boost::json::object> verify_id_token_hint(Provider& p, std::string_view jwt);

}  // namespace cells::oidc
