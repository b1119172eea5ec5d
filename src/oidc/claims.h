// The user claims released by scope (OIDC Core §5.4), shared by ID tokens and userinfo.
#pragma once
#include <boost/json/object.hpp>

#include "oidc/scopes.h"
#include "store/users.h"

namespace cells::oidc {
// profile → name, preferred_username, updated_at; email → email, email_verified.
void add_user_claims(boost::json::object& claims, const store::User& user, const Scopes& scopes);
}  // namespace cells::oidc
