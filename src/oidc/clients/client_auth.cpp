#include "oidc/clients/client_auth.h"

#include <strings.h>

#include "core/bounded_cache.h"
#include "crypto/hash.h"
#include "identity/password.h"
#include "oidc/errors.h"

namespace cells::oidc {

bool used_basic(const http::Request& req) {
  auto h = req.header("Authorization");
  return h && h->size() >= 6 && strncasecmp(h->data(), "Basic ", 6) == 0;
}

namespace {
struct Presented {
  std::string id;
  std::optional<std::string> secret;
};

Result<Presented> presented_credentials(const http::Request& req, const http::Form& params) {
  auto body_id = params.get("client_id");
  auto body_secret = params.get("client_secret");
  if (used_basic(req)) {
    auto basic = http::basic_credentials(req, true);
    if (!basic) return err("invalid_client", "malformed Basic credentials");
    if (body_secret) return err("invalid_request", "use one client authentication method, not two");
    if (body_id && *body_id != basic->user) return err("invalid_request", "client_id does not match the credentials");
    return Presented{basic->user, basic->password};
  }
  if (!body_id) return err("invalid_client", "client authentication is required");
  return Presented{*body_id, body_secret};
}

// Argon2id costs tens of milliseconds; a machine client presents the same secret on every token
// request. Verification is a pure function of (secret, stored hash), so successes are memoized
// under a digest of both: a new secret or a re-created client has another hash, hence no hit.
bool secret_matches(const store::Client& client, const std::string& secret) {
  static BoundedCache<bool> verified(10000);
  auto key = crypto::sha256(client.id + '\0' + secret + '\0' + client.secret_hash);
  if (verified.find(key)) return true;
  auto generation = verified.generation();
  if (!identity::verify_password(secret, client.secret_hash)) return false;
  verified.put(key, true, generation);
  return true;
}
}  // namespace

Result<store::Client> authenticate_client(ClientRegistry& clients, const http::Request& req, const http::Form& params) {
  auto presented = presented_credentials(req, params);
  if (!presented) return presented.error();
  auto found = clients.find(presented->id);
  if (!found) return found.error();
  if (!found->has_value()) {
    if (presented->secret) identity::burn_password_time(*presented->secret);
    return err("invalid_client", "unknown client or wrong secret");
  }
  auto& client = **found;
  if (client.is_public) {
    if (presented->secret && !presented->secret->empty())
      return err("invalid_client", "public clients authenticate without a secret");
    return std::move(client);
  }
  if (!presented->secret || !secret_matches(client, *presented->secret))
    return err("invalid_client", "unknown client or wrong secret");
  return std::move(client);
}

std::variant<ClientRequest, http::Response> read_client_request(ClientRegistry& clients, const http::Request& req,
                                                                std::initializer_list<std::string_view> once) {
  auto params = http::request_params(req);
  if (!params) return json_response(invalid_request(params.error().message));
  if (auto k = params->first_repeated(once))
    return json_response(invalid_request("parameter '" + *k + "' was sent more than once"));
  auto client = authenticate_client(clients, req, *params);
  if (!client) {
    const auto& e = client.error();
    if (e.code == "unavailable") return json_response(server_unavailable());
    return json_response({e.code, e.message, e.code == "invalid_client" ? 401 : 400}, used_basic(req));
  }
  return ClientRequest{std::move(*params), std::move(*client)};
}

}  // namespace cells::oidc
