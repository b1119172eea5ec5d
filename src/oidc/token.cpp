// RFC 6749 §3.2: the token endpoint. Authenticates the client (§2.3), then dispatches on
// grant_type to one handler per grant (oidc/grants/).
#include <map>

#include "oidc/clients/client_auth.h"
#include "oidc/endpoints.h"
#include "oidc/grants/grant.h"

namespace cells::oidc {

namespace {
using GrantHandler = GrantResult (*)(Provider&, const store::Client&, const http::Form&);
const std::map<std::string, GrantHandler, std::less<>> kGrants = {
    {"authorization_code", authorization_code_grant},
    {"refresh_token", refresh_token_grant},
    {"client_credentials", client_credentials_grant},
};
}  // namespace

http::Response token(Provider& p, http::Request& req) {
  auto read = read_client_request(p.clients, req, {"grant_type", "code", "redirect_uri", "code_verifier",
                                                   "refresh_token", "scope", "client_id", "client_secret"});
  if (auto* res = std::get_if<http::Response>(&read)) return std::move(*res);
  auto& [params, client] = std::get<ClientRequest>(read);
  auto grant_type = params.get("grant_type");
  if (!grant_type) return json_response(invalid_request("grant_type is required"));
  auto handler = kGrants.find(*grant_type);
  if (handler == kGrants.end())
    return json_response({"unsupported_grant_type", "grant_type '" + *grant_type + "' is not supported", 400});
  const auto& grants = client.grant_types;
  if (std::find(grants.begin(), grants.end(), *grant_type) == grants.end())
    return json_response(unauthorized_client("this client may not use grant_type " + *grant_type));
  auto result = handler->second(p, client, params);
  if (auto* e = std::get_if<OAuthError>(&result)) return json_response(*e);
  return http::Response::json(200, std::get<boost::json::object>(result));
}

}  // namespace cells::oidc
