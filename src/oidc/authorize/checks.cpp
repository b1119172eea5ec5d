#include <charconv>

#include "http/form.h"
#include "oidc/authorize/request.h"
#include "oidc/clients/redirect_uri.h"
#include "oidc/clients/registry.h"

namespace cells::oidc {

namespace {
std::string encode(const http::Form& params) {
  std::string out;
  for (const auto& [k, v] : params.all()) out += (out.empty() ? "" : "&") + http::percent_encode(k) + "=" + http::percent_encode(v);
  return out;
}
}  // namespace

std::variant<AuthorizationRequest, PageError> read_client_and_redirect(Provider& p, const http::Form& params) {
  // check_client: a known client_id, sent once.
  auto id = params.get("client_id");
  if (!id || params.repeated("client_id")) return PageError{"Unknown application", "The request names no valid client_id."};
  auto found = p.clients.find(*id);
  if (!found) return PageError{"Temporarily unavailable", "Please try again in a moment."};
  if (!found->has_value()) return PageError{"Unknown application", "No application is registered as '" + *id + "'."};
  // check_redirect_uri: required, sent once, registered for this client (exact match).
  auto uri = params.get("redirect_uri");
  if (!uri || params.repeated("redirect_uri") || !client_allows_redirect(**found, *uri))
    return PageError{"Invalid redirect", "The redirect_uri is missing or not registered for this application."};
  AuthorizationRequest r;
  r.client = std::move(**found);
  r.redirect_uri = *uri;
  r.state = params.get_or("state");  // known before any check, so every error redirect carries it
  r.encoded = encode(params);
  return r;
}

// RFC 6749 §3.1: parameters must not be included more than once.
std::optional<OAuthError> check_repeated_parameters(const http::Form& params) {
  if (auto k = params.first_repeated({"response_type", "scope", "state", "nonce", "code_challenge",
                                      "code_challenge_method", "prompt", "max_age", "login_hint", "id_token_hint"}))
    return invalid_request("parameter '" + *k + "' was sent more than once");
  return std::nullopt;
}

// Only the authorization code flow: no implicit or hybrid responses.
std::optional<OAuthError> check_response_type(AuthorizationRequest& r, const http::Form& params) {
  r.response_type = params.get_or("response_type");
  if (r.response_type.empty()) return invalid_request("response_type is required");
  if (r.response_type != "code") return OAuthError{"unsupported_response_type", "only response_type=code is supported"};
  if (auto mode = params.get("response_mode"); mode && *mode != "query")
    return invalid_request("only response_mode=query is supported");
  return std::nullopt;
}

// Every requested scope must be one we know.
std::optional<OAuthError> check_scope(AuthorizationRequest& r, const http::Form& params) {
  r.scopes = parse_scopes(params.get_or("scope"));
  if (auto bad = first_unknown(r.scopes); !bad.empty()) return invalid_scope("unknown scope '" + bad + "'");
  r.nonce = params.get_or("nonce");
  if (r.state.size() > 1024 || r.nonce.size() > 1024) return invalid_request("state and nonce are limited to 1024 bytes");
  return std::nullopt;
}

// RFC 7636 with S256 only: required for public clients, `plain` refused.
std::optional<OAuthError> check_pkce(AuthorizationRequest& r, const http::Form& params) {
  r.code_challenge = params.get_or("code_challenge");
  r.code_challenge_method = params.get_or("code_challenge_method");
  if (r.code_challenge.empty()) {
    if (r.client.is_public) return invalid_request("PKCE (code_challenge with S256) is required for this client");
    if (!r.code_challenge_method.empty()) return invalid_request("code_challenge_method without code_challenge");
    return std::nullopt;
  }
  if (r.code_challenge_method != "S256") return invalid_request("code_challenge_method must be S256");
  if (r.code_challenge.size() != 43 || !valid_pkce_value(r.code_challenge))
    return invalid_request("code_challenge must be a base64url SHA-256 (43 characters)");
  return std::nullopt;
}

// OIDC Core §3.1.2.1: prompt=none cannot be combined with another value.
std::optional<OAuthError> check_prompt(AuthorizationRequest& r, const http::Form& params) {
  r.prompt = parse_scopes(params.get_or("prompt"));
  for (const auto& v : r.prompt)
    if (v != "none" && v != "login" && v != "consent" && v != "select_account")
      return invalid_request("unsupported prompt value '" + v + "'");
  if (r.prompt.count("none") && r.prompt.size() > 1) return invalid_request("prompt=none must be alone");
  r.login_hint = params.get_or("login_hint");
  r.id_token_hint = params.get_or("id_token_hint");
  if (r.login_hint.size() > 256) return invalid_request("login_hint too long");
  return std::nullopt;
}

std::optional<OAuthError> check_max_age(AuthorizationRequest& r, const http::Form& params) {
  auto v = params.get("max_age");
  if (!v) return std::nullopt;
  std::int64_t n = -1;
  auto [ptr, ec] = std::from_chars(v->data(), v->data() + v->size(), n);
  if (ec != std::errc() || ptr != v->data() + v->size() || n < 0) return invalid_request("max_age must be a non-negative integer");
  r.max_age = n;
  return std::nullopt;
}

// Request objects are not supported (OIDC Core §6).
std::optional<OAuthError> check_unsupported(const http::Form& params) {
  if (params.get("request")) return OAuthError{"request_not_supported", "request objects are not supported"};
  if (params.get("request_uri")) return OAuthError{"request_uri_not_supported", "request_uri is not supported"};
  return std::nullopt;
}

bool valid_pkce_value(std::string_view v) {
  if (v.size() < 43 || v.size() > 128) return false;
  for (unsigned char c : v)
    if (!std::isalnum(c) && c != '-' && c != '.' && c != '_' && c != '~') return false;
  return true;
}

namespace {
http::Response redirect_with(const Provider& p, const AuthorizationRequest& r, std::string params) {
  if (!r.state.empty()) params += "&state=" + http::percent_encode(r.state);
  params += "&iss=" + http::percent_encode(p.issuer());
  char sep = r.redirect_uri.find('?') == std::string::npos ? '?' : '&';
  return http::Response::redirect(r.redirect_uri + sep + params);
}
}  // namespace

http::Response redirect_error(const Provider& p, const AuthorizationRequest& r, const OAuthError& e) {
  return redirect_with(p, r, "error=" + http::percent_encode(e.error) +
                                 "&error_description=" + http::percent_encode(e.description));
}

http::Response redirect_code(const Provider& p, const AuthorizationRequest& r, const std::string& code) {
  return redirect_with(p, r, "code=" + http::percent_encode(code));
}

}  // namespace cells::oidc
