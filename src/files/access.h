// The one authorization check for files: the user's rights on the workspace, intersected with
// the token's node scopes when it has any (a scope covers its node and everything below).
// REST and WebDAV both call it; nothing else decides access.
#pragma once
#include <vector>

#include "auth/authenticator.h"
#include "core/result.h"
#include "store/nodes.h"

namespace cells::files {

enum class Permission { read, write };

// `chain` runs from the workspace root to the node (inclusive). Error "forbidden".
Status authorize(const auth::Principal& who, const std::vector<store::Node>& chain, Permission need);

}  // namespace cells::files
