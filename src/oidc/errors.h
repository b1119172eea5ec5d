// OAuth2 protocol errors (RFC 6749 §4.1.2.1 and §5.2) as values, and their HTTP forms.
#pragma once
#include <string>

#include "http/message.h"

namespace cells::oidc {

struct OAuthError {
  std::string error;        // RFC error code: invalid_request, invalid_grant, ...
  std::string description;  // for humans; never contains a secret
  int status = 400;
};

inline OAuthError invalid_request(std::string d) { return {"invalid_request", std::move(d), 400}; }
inline OAuthError invalid_grant(std::string d) { return {"invalid_grant", std::move(d), 400}; }
inline OAuthError invalid_client(std::string d) { return {"invalid_client", std::move(d), 401}; }
inline OAuthError invalid_scope(std::string d) { return {"invalid_scope", std::move(d), 400}; }
inline OAuthError unauthorized_client(std::string d) { return {"unauthorized_client", std::move(d), 400}; }
inline OAuthError server_unavailable() { return {"temporarily_unavailable", "the database is not available", 503}; }

// §5.2 JSON body with Cache-Control: no-store; 401 adds WWW-Authenticate when `basic_realm`.
http::Response json_response(const OAuthError& e, bool basic_challenge = false);

}  // namespace cells::oidc
