// The authorization endpoint's decision, shared by GET/POST /oauth2/auth and by the login
// form (which resumes the request right after a successful sign-in).
#pragma once
#include "http/form.h"
#include "oidc/provider.h"
#include "oidc/session.h"

namespace cells::oidc {

// Validates `params`, then either redirects to the login page, redirects back to the client
// with an error, or issues a code. `fresh` is the session created by a sign-in that just
// happened (it satisfies prompt=login and max_age).
http::Response run_authorization(Provider& p, const http::Form& params, const http::Request& req,
                                 const ActiveSession* fresh);

// The error page (status 400 unless given) shown when no redirect is allowed.
http::Response error_page(int status, const std::string& title, const std::string& message);

}  // namespace cells::oidc
