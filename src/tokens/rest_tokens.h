// Self-service personal access tokens for a signed-in user, under /a/auth/tokens: list own
// tokens (never their secrets), create one (shown once), revoke one. A token restricted by node
// scopes cannot mint new tokens (it could otherwise widen its own reach).
#pragma once
#include "files/rest.h"
#include "http/router.h"
#include "tokens/pat_service.h"

namespace cells::tokens {
void add_token_routes(http::Router& router, files::RestApi& api, PatService& pats);
}  // namespace cells::tokens
