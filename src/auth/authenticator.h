// The request-authentication pipeline shared by every API (REST, userinfo-style endpoints,
// WebDAV): extract credentials (Bearer or Basic) → verify (JWT access token, or login +
// password) → a Principal. Authorization (what the principal may touch) is files/access.h.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "core/result.h"
#include "http/message.h"
#include "oidc/provider.h"
#include "store/users.h"

namespace cells::auth {

enum class CredentialKind { oauth2, personal, password };
std::string_view kind_name(CredentialKind kind);

// A token restricted to one node and everything below it (personal access tokens).
struct NodeScope {
  std::string node_uuid;
  bool read = false;
  bool write = false;
};

struct Principal {
  store::User user;
  CredentialKind kind = CredentialKind::oauth2;
  std::string client_id;
  std::string scope;
  std::vector<NodeScope> node_scopes;  // empty: the user's full rights
  std::int64_t expires_at = 0;         // 0: no expiry (password)
};

// Errors: "no_credentials", "invalid_credentials" (message says why), "unavailable".
Result<Principal> authenticate(oidc::Provider& p, const http::Request& req, bool allow_basic);

// 401 with WWW-Authenticate (Bearer, plus Basic when `basic`), or 503 for "unavailable".
http::Response challenge(const Error& e, bool basic);

}  // namespace cells::auth
