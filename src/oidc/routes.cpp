// The endpoint table: every OIDC/OAuth2 path, its methods, and where it runs. Handlers that
// write or hash run on the worker pool; read-only ones whose lookups are usually cached
// (token, userinfo, introspection) try the I/O thread first (Runs::memory_first).
#include "oidc/endpoints.h"

namespace cells::oidc {

void add_routes(http::Router& router, Provider& p) {
  using http::Runs;
  auto bind = [&p](http::Response (*fn)(Provider&, http::Request&)) {
    return [&p, fn](http::Request& req) { return fn(p, req); };
  };
  router.add("GET", "/oidc/.well-known/openid-configuration", bind(discovery));
  router.add("GET", "/oidc/.well-known/jwks.json", bind(jwks));
  for (const char* m : {"GET", "POST"}) {
    router.add(m, "/oidc/oauth2/auth", bind(authorize), Runs::on_workers);
    router.add(m, "/oidc/userinfo", bind(userinfo), Runs::memory_first);
    router.add(m, "/oidc/oauth2/sessions/logout", bind(logout), Runs::on_workers);
  }
  // Every grant's first store call comes before any change (redeem, rotate), so a refused
  // attempt on the I/O thread leaves nothing behind; client_credentials never leaves it.
  router.add("POST", "/oidc/oauth2/token", bind(token), Runs::memory_first);
  router.add("POST", "/oidc/oauth2/revoke", bind(revoke), Runs::on_workers);
  router.add("POST", "/oidc/oauth2/introspect", bind(introspect), Runs::memory_first);
  router.add("GET", "/oauth2/login", bind(login_page));
  router.add("POST", "/oauth2/login", bind(login_submit), Runs::on_workers);
  router.add("GET", "/oauth2/oob", bind(oob));
  router.add("GET", "/oauth/oob", bind(oob));
}

}  // namespace cells::oidc
