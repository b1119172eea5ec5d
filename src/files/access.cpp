#include "files/access.h"

#include "files/paths.h"

namespace cells::files {

namespace {
// personal-files: only its owner; common-files: every user, read-write.
bool workspace_allows(const store::User& user, const store::Node& root) {
  if (root.workspace == kPersonal) return root.owner == user.id;
  return root.workspace == kCommon;
}

bool scope_allows(const std::vector<auth::NodeScope>& scopes, const std::vector<store::Node>& chain, Permission need) {
  for (const auto& scope : scopes)
    for (const auto& node : chain)
      if (node.uuid == scope.node_uuid && (need == Permission::read ? scope.read : scope.write)) return true;
  return false;
}
}  // namespace

Status authorize(const auth::Principal& who, const std::vector<store::Node>& chain, Permission need) {
  if (chain.empty() || !workspace_allows(who.user, chain.front())) return err("forbidden", "access denied");
  if (!who.node_scopes.empty() && !scope_allows(who.node_scopes, chain, need))
    return err("forbidden", "the token's scope does not cover this node");
  return ok();
}

}  // namespace cells::files
