// OpenID Connect Discovery 1.0 §4: provider metadata, endpoints absolute from the site URL.
#include <boost/json.hpp>

#include "oidc/endpoints.h"

namespace cells::oidc {

namespace json = boost::json;

namespace {
json::object metadata(const Provider& p) {
  json::array algs{"RS256", "PS256", "ES256", "EdDSA"};
  return {
      {"issuer", p.issuer()},
      {"authorization_endpoint", p.url("/oauth2/auth")},
      {"token_endpoint", p.url("/oauth2/token")},
      {"userinfo_endpoint", p.url("/userinfo")},
      {"jwks_uri", p.url("/.well-known/jwks.json")},
      {"revocation_endpoint", p.url("/oauth2/revoke")},
      {"introspection_endpoint", p.url("/oauth2/introspect")},
      {"end_session_endpoint", p.url("/oauth2/sessions/logout")},
      {"scopes_supported", {"openid", "profile", "email", "offline_access", "offline", "pydio"}},
      {"response_types_supported", {"code"}},
      {"response_modes_supported", {"query"}},
      {"grant_types_supported", {"authorization_code", "refresh_token", "client_credentials"}},
      {"subject_types_supported", {"public"}},
      {"id_token_signing_alg_values_supported", algs},
      {"userinfo_signing_alg_values_supported", json::array{"none"}},
      {"token_endpoint_auth_methods_supported", {"client_secret_basic", "client_secret_post", "none"}},
      {"revocation_endpoint_auth_methods_supported", {"client_secret_basic", "client_secret_post", "none"}},
      {"introspection_endpoint_auth_methods_supported", {"client_secret_basic", "client_secret_post"}},
      {"code_challenge_methods_supported", {"S256"}},
      {"claims_supported",
       {"sub", "iss", "aud", "exp", "iat", "auth_time", "nonce", "at_hash", "sid", "name", "preferred_username",
        "email", "email_verified", "updated_at"}},
      {"prompt_values_supported", {"none", "login", "consent"}},
      {"claims_parameter_supported", false},
      {"request_parameter_supported", false},
      {"request_uri_parameter_supported", false},
      {"authorization_response_iss_parameter_supported", true},
      {"frontchannel_logout_supported", false},
      {"backchannel_logout_supported", false},
  };
}
}  // namespace

http::Response discovery(Provider& p, http::Request&) {
  // The document only changes with the configuration: serialize it once.
  static const std::string body = json::serialize(metadata(p));
  http::Response r{200, {{"Content-Type", "application/json"}, {"Cache-Control", "public, max-age=3600"}}, body};
  r.set("Access-Control-Allow-Origin", "*");
  return r;
}

http::Response jwks(Provider& p, http::Request&) {
  http::Response r{200,
                   {{"Content-Type", "application/jwk-set+json"}, {"Cache-Control", "public, max-age=300"}},
                   p.keys.snapshot()->jwks_json};
  r.set("Access-Control-Allow-Origin", "*");
  return r;
}

}  // namespace cells::oidc
