// Token-endpoint grant handlers (RFC 6749 §4), one file each. A handler gets an authenticated
// client and the request parameters and returns the token response or a protocol error.
#pragma once
#include <boost/json/object.hpp>
#include <variant>

#include "http/form.h"
#include "oidc/errors.h"
#include "oidc/provider.h"
#include "store/clients.h"

namespace cells::oidc {

using GrantResult = std::variant<boost::json::object, OAuthError>;

GrantResult authorization_code_grant(Provider& p, const store::Client& client, const http::Form& params);
GrantResult refresh_token_grant(Provider& p, const store::Client& client, const http::Form& params);
GrantResult client_credentials_grant(Provider& p, const store::Client& client, const http::Form& params);

}  // namespace cells::oidc
