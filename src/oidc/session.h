// The browser side of login: the SSO session cookie and the CSRF cookie of the login and
// logout forms (double-submit: the form field must equal the cookie). Over https the cookies
// take the __Host- prefix and Secure; always HttpOnly and SameSite=Lax.
#pragma once
#include <optional>
#include <string>

#include "oidc/provider.h"
#include "http/message.h"
#include "store/sessions.h"

namespace cells::oidc {

struct ActiveSession {
  store::LoginSession session;
  store::User user;
};

// The valid session this request's cookie names, if any (expired sessions and deleted users
// count as none). Error only when the database is unavailable.
Result<std::optional<ActiveSession>> current_session(Provider& p, const http::Request& req);

// Starts a session for `user`: stores it and returns the Set-Cookie header value.
Result<std::pair<ActiveSession, std::string>> start_session(Provider& p, const store::User& user);

// Ends the session named by the request's cookie; returns the Set-Cookie value that clears it.
std::string end_session(Provider& p, const http::Request& req);

// A fresh CSRF token and its Set-Cookie value; `csrf_ok` checks a submitted form field.
std::pair<std::string, std::string> new_csrf(const Provider& p);
bool csrf_ok(const Provider& p, const http::Request& req, const std::string& submitted);

}  // namespace cells::oidc
