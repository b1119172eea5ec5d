// Everything the OIDC endpoints share: configuration, lifetimes, keys and the stores they use.
// Built once by app/; endpoints take it by reference.
#pragma once
#include <cstdint>
#include <string>

#include "core/config.h"
#include "identity/accounts.h"
#include "oidc/keys.h"
#include "store/codes.h"
#include "store/refresh_tokens.h"
#include "store/sessions.h"
#include "store/users.h"

namespace cells::oidc {

class ClientRegistry;
class VerifiedTokens;
}  // namespace cells::oidc
namespace cells::tokens {
class PatService;
}
namespace cells::oidc {

// Defaults as the reference server (Ory Hydra): access 10 min, ID 1 h, code 10 min, refresh 60 days.
struct Lifetimes {
  std::int64_t access_token = 600;
  std::int64_t id_token = 3600;
  std::int64_t code = 600;
  std::int64_t refresh_token = 60 * 24 * 3600;
  std::int64_t login_session = 14 * 24 * 3600;
  // A used refresh token may be presented again this long (a client's concurrent double
  // refresh); see docs/tokens.md.
  std::int64_t refresh_grace = 10;
};

struct Provider {
  const Config& config;
  Lifetimes lifetimes;
  KeyRing& keys;
  ClientRegistry& clients;
  identity::Accounts& accounts;
  store::UserStore& users;
  store::SessionStore& sessions;
  store::CodeStore& codes;
  store::RefreshTokenStore& refresh_tokens;
  store::RevocationStore& revocations;
  tokens::PatService* personal_tokens = nullptr;  // introspection answers for PATs too
  VerifiedTokens* verified_tokens = nullptr;      // optional cache of checked access tokens

  std::string issuer() const { return config.issuer(); }
  // Path of an OIDC endpoint ("/oauth2/token") → its absolute URL.
  std::string url(std::string_view path) const { return config.issuer() + std::string(path); }
};

}  // namespace cells::oidc
