#include "oidc/errors.h"

#include "http/router.h"

namespace cells::oidc {

http::Response json_response(const OAuthError& e, bool basic_challenge) {
  auto r = http::json_error(e.status, e.error, e.description);
  if (e.status == 401 && basic_challenge) r.set("WWW-Authenticate", "Basic realm=\"cells\"");
  if (e.status == 503) r.set("Retry-After", "5");
  return r;
}

}  // namespace cells::oidc
