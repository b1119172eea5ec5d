// WebDAV (RFC 4918) under /dav/WORKSPACE/..., over the same FileTree and authorization check as
// the REST API. Authentication: HTTP Basic (login + password) or Bearer.
// Methods: OPTIONS, PROPFIND (Depth 0 and 1; infinity refused with 403), PROPPATCH
// (dead properties kept with the node), GET/HEAD
// (Range), PUT (streamed), MKCOL, DELETE, COPY and MOVE (Destination, Overwrite). Each
// resource reports its node UUID as the property {https://pydio.com/cells}uuid.
// LOCK/UNLOCK (class 2, in-memory locks per process) and If headers are supported.
#pragma once
#include "files/rest.h"
#include "http/router.h"

namespace cells::files {
void add_webdav_routes(http::Router& router, RestApi& api);
}  // namespace cells::files
