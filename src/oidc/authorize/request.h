// An authorization request (RFC 6749 §4.1.1, OIDC Core §3.1.2.1) and the ordered checks that
// validate it. Each check enforces one rule and returns the protocol error it calls for.
// The first two (client, redirect URI) fail without a redirect: an unknown client or an
// unregistered redirect URI must never receive one.
#pragma once
#include <optional>
#include <string>

#include "http/form.h"
#include "oidc/errors.h"
#include "oidc/provider.h"
#include "oidc/scopes.h"
#include "store/clients.h"

namespace cells::oidc {

struct AuthorizationRequest {
  store::Client client;
  std::string redirect_uri;
  std::string response_type;
  Scopes scopes;
  std::string state;
  std::string nonce;
  std::string code_challenge;
  std::string code_challenge_method;
  Scopes prompt;
  std::optional<std::int64_t> max_age;
  std::string login_hint;
  std::string id_token_hint;
  std::string encoded;  // the parameters, re-encoded: carried through the login page
};

// Errors that must be shown on our own page, never redirected.
struct PageError {
  std::string title;
  std::string message;
};

// check_client + check_redirect_uri. Error "unavailable" from the store is a PageError too.
std::variant<AuthorizationRequest, PageError> read_client_and_redirect(Provider& p, const http::Form& params);

// The remaining checks, in order; the first failure is returned (to be redirected).
std::optional<OAuthError> check_repeated_parameters(const http::Form& params);
std::optional<OAuthError> check_response_type(AuthorizationRequest& r, const http::Form& params);
std::optional<OAuthError> check_scope(AuthorizationRequest& r, const http::Form& params);
std::optional<OAuthError> check_pkce(AuthorizationRequest& r, const http::Form& params);
std::optional<OAuthError> check_prompt(AuthorizationRequest& r, const http::Form& params);
std::optional<OAuthError> check_max_age(AuthorizationRequest& r, const http::Form& params);
std::optional<OAuthError> check_unsupported(const http::Form& params);

// The error redirect of RFC 6749 §4.1.2.1 (with state and, per RFC 9207, iss).
http::Response redirect_error(const Provider& p, const AuthorizationRequest& r, const OAuthError& e);
// The success redirect: code, state, iss.
http::Response redirect_code(const Provider& p, const AuthorizationRequest& r, const std::string& code);

bool valid_pkce_value(std::string_view v);  // RFC 7636 §4.1 charset, 43..128 characters

}  // namespace cells::oidc
