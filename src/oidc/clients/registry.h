// All OAuth2 clients: the built-in public ones (found first, immutable) and the confidential
// ones registered with `cells admin client create` (stored). Validates what may be registered.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "store/clients.h"

namespace cells::oidc {

struct NewClient {
  std::string id;
  std::string secret;
  std::string name;
  std::vector<std::string> redirect_uris;
  std::vector<std::string> grant_types;  // empty: authorization_code + refresh_token
  std::string access_token_alg = "ES256";  // RS256, PS256, ES256 or EdDSA
  std::string id_token_alg = "RS256";
};

class ClientRegistry {
 public:
  ClientRegistry(store::ClientStore& store, std::vector<store::Client> defaults)
      : store_(store), defaults_(std::move(defaults)) {}

  Result<std::optional<store::Client>> find(const std::string& id);
  // Errors: "invalid_input" (message says which rule), "conflict" (id taken or built in).
  Result<store::Client> create_confidential(const NewClient& c);
  // Errors: "forbidden" for a built-in client, "not_found".
  Status remove(const std::string& id);
  Result<std::vector<store::Client>> list();

 private:
  const store::Client* builtin(const std::string& id) const;
  store::ClientStore& store_;
  std::vector<store::Client> defaults_;
};

Status validate_new_client(const NewClient& c);

}  // namespace cells::oidc
