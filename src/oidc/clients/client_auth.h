// Client authentication at the token, revocation and introspection endpoints (RFC 6749 §2.3.1):
// client_secret_basic or client_secret_post (never both), or client_id alone for a public
// client. Errors: "invalid_client" (unknown client, wrong or missing secret, a public client
// sending a secret), "invalid_request" (ambiguous credentials), "unavailable".
#pragma once
#include <initializer_list>
#include <variant>

#include "http/form.h"
#include "oidc/clients/registry.h"

namespace cells::oidc {

Result<store::Client> authenticate_client(ClientRegistry& clients, const http::Request& req, const http::Form& params);
// Whether the request carried Basic credentials (a 401 then gets WWW-Authenticate: Basic).
bool used_basic(const http::Request& req);

struct ClientRequest {
  http::Form params;
  store::Client client;
};

// The common start of the token, revocation and introspection endpoints: parse the form body,
// refuse the `once` parameters when repeated (RFC 6749 §3.1), authenticate the client. On
// failure, the RFC 6749 §5.2 response to send.
std::variant<ClientRequest, http::Response> read_client_request(ClientRegistry& clients, const http::Request& req,
                                                                std::initializer_list<std::string_view> once);

}  // namespace cells::oidc
