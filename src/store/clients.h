// Storage of registered OAuth2 clients (confidential clients created by `cells admin client`).
// The three default public clients are built in code (oidc/clients/default_clients.h), not stored.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"

namespace cells::store {

struct Client {
  std::string id;
  std::string secret_hash;  // Argon2id of the secret; empty for public clients
  std::string name;
  std::vector<std::string> redirect_uris;  // exact URIs; "[A-B]" port ranges only in built-in clients
  std::vector<std::string> grant_types;    // authorization_code, refresh_token, client_credentials
  bool is_public = false;
  std::string access_token_alg = "ES256";
  std::string id_token_alg = "RS256";
  std::int64_t created_at = 0;
};

class ClientStore {
 public:
  virtual ~ClientStore() = default;
  virtual Status create(const Client& client) = 0;  // "conflict" if the id exists
  virtual Result<std::optional<Client>> find(const std::string& id) = 0;
  virtual Result<std::vector<Client>> list() = 0;
  virtual Status remove(const std::string& id) = 0;  // "not_found" if absent
};

}  // namespace cells::store
