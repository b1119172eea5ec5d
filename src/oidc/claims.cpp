#include "oidc/claims.h"

namespace cells::oidc {

void add_user_claims(boost::json::object& claims, const store::User& u, const Scopes& scopes) {
  if (scopes.count("profile")) {
    claims["name"] = u.name;
    claims["preferred_username"] = u.login;
    claims["updated_at"] = u.updated_at;
  }
  if (scopes.count("email") && !u.email.empty()) {
    claims["email"] = u.email;
    claims["email_verified"] = false;  // addresses are set by an admin, never verified by us
  }
}

}  // namespace cells::oidc
