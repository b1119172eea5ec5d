// The one authorization check: workspace rights intersected with node scopes.
#include "files/access.h"

#include <gtest/gtest.h>

using namespace cells;
using files::Permission;

namespace {
store::Node node(const std::string& uuid, const std::string& ws, const std::string& owner = "") {
  store::Node n;
  n.uuid = uuid;
  n.workspace = ws;
  n.owner = owner;
  n.is_folder = true;
  return n;
}
auth::Principal user(const std::string& id, bool admin = false) {
  auth::Principal p;
  p.user.id = id;
  p.user.is_admin = admin;
  return p;
}
}  // namespace

TEST(Access, WorkspaceRights) {
  std::vector<store::Node> mine = {node("r", "personal-files", "u1"), node("f", "personal-files", "u1")};
  EXPECT_TRUE(files::authorize(user("u1"), std::nullopt, mine, Permission::write));
  EXPECT_FALSE(files::authorize(user("u2"), std::nullopt, mine, Permission::read));
  EXPECT_FALSE(files::authorize(user("u2", true), std::nullopt, mine, Permission::read)) << "admins do not read personal files";
  std::vector<store::Node> common = {node("c", "common-files")};
  EXPECT_TRUE(files::authorize(user("u2"), std::nullopt, common, Permission::write));
  std::vector<store::Node> proj = {node("p", "projects")};
  EXPECT_FALSE(files::authorize(user("u2"), std::nullopt, proj, Permission::read));
  store::WorkspaceGrant ro{"projects", "u2", true, false};
  EXPECT_TRUE(files::authorize(user("u2"), ro, proj, Permission::read));
  EXPECT_FALSE(files::authorize(user("u2"), ro, proj, Permission::write));
  EXPECT_TRUE(files::authorize(user("a", true), std::nullopt, proj, Permission::write));
  EXPECT_FALSE(files::authorize(user("u1"), std::nullopt, {}, Permission::read));
}

TEST(Access, NodeScopesNarrowNeverWiden) {
  std::vector<store::Node> chain = {node("root", "personal-files", "u1"), node("docs", "personal-files", "u1"),
                                    node("file", "personal-files", "u1")};
  auto p = user("u1");
  p.node_scopes = {{"docs", true, false}};
  EXPECT_TRUE(files::authorize(p, std::nullopt, chain, Permission::read)) << "scope covers everything below";
  EXPECT_FALSE(files::authorize(p, std::nullopt, chain, Permission::write)) << "read-only scope";
  EXPECT_FALSE(files::authorize(p, std::nullopt, {chain[0]}, Permission::read)) << "nothing above the scoped node";
  p.node_scopes = {{"file", true, true}};
  EXPECT_FALSE(files::authorize(p, std::nullopt, {chain[0], chain[1]}, Permission::read));
  auto other = user("u2");
  other.node_scopes = {{"docs", true, true}};
  EXPECT_FALSE(files::authorize(other, std::nullopt, chain, Permission::read)) << "never more than the user could";
}
