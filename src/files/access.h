// The one authorization check for files: the user's rights on the workspace, intersected with
// the token's node scopes when it has any (a scope covers its node and everything below).
// Workspace rights: personal-files, its owner only; common-files, every user read-write;
// admin-created workspaces, the user's grant (admins: read-write on all).
// REST and WebDAV both call it (through FileTree); nothing else decides access.
#pragma once
#include <vector>

#include "auth/authenticator.h"
#include "core/result.h"
#include "store/nodes.h"
#include "store/workspaces.h"

namespace cells::files {

enum class Permission { read, write };

// `chain` runs from the workspace root to the node (inclusive); `grant` is the user's grant on
// an admin-created workspace, if any. Error "forbidden".
Status authorize(const auth::Principal& who, const std::optional<store::WorkspaceGrant>& grant,
                 const std::vector<store::Node>& chain, Permission need);

}  // namespace cells::files
