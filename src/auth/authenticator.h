// The request-authentication pipeline shared by every API (REST, userinfo-style endpoints,
// WebDAV): extract credentials (Bearer or Basic) → verify (JWT access token, personal access
// token — as Bearer, or as the Basic password with its user's login —, or login + password)
// → a Principal. Authorization (what the principal may touch) is files/access.h.
#pragma once
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/result.h"
#include "http/message.h"
#include "oidc/provider.h"
#include "store/users.h"

namespace cells::tokens {
class PatService;
}

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

// Basic-auth clients (WebDAV) send the password on every request; Argon2id each time would cost
// ~50 ms. Verified credentials are remembered for a few minutes, keyed by a SHA-256 of login and
// password (never the password itself), and only while the user's password is unchanged.
class PasswordCache {
 public:
  static constexpr std::int64_t kSeconds = 300;
  static constexpr std::size_t kMaxEntries = 10000;
  struct Entry {
    std::string user_id;
    std::int64_t verified_at;
  };
  // The entry for this key if verified less than kSeconds ago.
  std::optional<Entry> find(const std::string& key, std::int64_t now);
  void remember(const std::string& key, const std::string& user_id, std::int64_t now);
  void forget(const std::string& key);

 private:
  std::mutex mu_;
  std::unordered_map<std::string, Entry> entries_;
};

class Authenticator {
 public:
  Authenticator(oidc::Provider& p, tokens::PatService& pats) : p_(p), pats_(pats) {}
  // Errors: "no_credentials", "invalid_credentials" (message says why), "unavailable".
  Result<Principal> authenticate(const http::Request& req, bool allow_basic);

 private:
  Result<Principal> from_password(const std::string& login, const std::string& password, const std::string& address);
  oidc::Provider& p_;
  tokens::PatService& pats_;
  PasswordCache passwords_;
};

// 401 with WWW-Authenticate (Bearer, plus Basic when `basic`), or 503 for "unavailable".
http::Response challenge(const Error& e, bool basic);

}  // namespace cells::auth
