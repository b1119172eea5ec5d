// The OIDC/OAuth2 endpoints, one file each, and the table that mounts them under /oidc.
#pragma once
#include "http/router.h"
#include "oidc/errors.h"
#include "oidc/provider.h"

namespace cells::oidc {

http::Response discovery(Provider& p, http::Request& req);   // OIDC Discovery 1.0 §4
http::Response jwks(Provider& p, http::Request& req);        // RFC 7517
http::Response authorize(Provider& p, http::Request& req);   // RFC 6749 §4.1.1, OIDC Core §3.1.2
http::Response login_page(Provider& p, http::Request& req);  // GET /oauth2/login
http::Response login_submit(Provider& p, http::Request& req);  // POST /oauth2/login
http::Response token(Provider& p, http::Request& req);       // RFC 6749 §3.2
http::Response userinfo(Provider& p, http::Request& req);    // OIDC Core §5.3
http::Response revoke(Provider& p, http::Request& req);      // RFC 7009
http::Response introspect(Provider& p, http::Request& req);  // RFC 7662
http::Response logout(Provider& p, http::Request& req);      // OIDC RP-Initiated Logout 1.0
http::Response oob(Provider& p, http::Request& req);         // out-of-band code display

void add_routes(http::Router& router, Provider& p);

}  // namespace cells::oidc
