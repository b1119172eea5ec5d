// The REST API under /a/ (JSON; see docs/openapi.yaml): who am I, and the file tree (stat,
// list, mkdir, upload, download, move, copy, delete). Every call authenticates with
// Authorization: Bearer and is authorized by files/access.h.
#pragma once
#include "files/locks.h"
#include "files/tree.h"
#include "http/router.h"
#include "oidc/provider.h"

namespace cells::files {

struct RestApi {
  auth::Authenticator& auth;
  FileTree& tree;
  LockManager& locks;  // WebDAV locks (REST calls do not take part in locking yet)
};

void add_rest_routes(http::Router& router, RestApi& api);

// Maps a files/auth error to its HTTP status and JSON body.
http::Response error_response(const Error& e);

}  // namespace cells::files
