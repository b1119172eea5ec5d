#include "files/access.h"

#include "files/paths.h"

namespace cells::files {

namespace {
bool workspace_allows(const store::User& user, const std::optional<store::WorkspaceGrant>& grant,
                      const store::Node& root, Permission need) {
  if (root.workspace == kPersonal) return root.owner == user.id;
  if (root.workspace == kCommon) return true;
  if (user.is_admin) return true;
  return grant && (need == Permission::read ? grant->read : grant->write);
}

bool scope_allows(const std::vector<auth::NodeScope>& scopes, const std::vector<store::Node>& chain, Permission need) {
  for (const auto& scope : scopes)
    for (const auto& node : chain)
      if (node.uuid == scope.node_uuid && (need == Permission::read ? scope.read : scope.write)) return true;
  return false;
}
}  // namespace

Status authorize(const auth::Principal& who, const std::optional<store::WorkspaceGrant>& grant,
                 const std::vector<store::Node>& chain, Permission need) {
  if (chain.empty() || !workspace_allows(who.user, grant, chain.front(), need)) return err("forbidden", "access denied");
  if (!who.node_scopes.empty() && !scope_allows(who.node_scopes, chain, need))
    return err("forbidden", "the token's scope does not cover this node");
  return ok();
}

}  // namespace cells::files
