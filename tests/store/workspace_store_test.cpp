// SqlWorkspaceStore on both backends: unique slugs, grants that replace (and vanish when empty),
// and removal that takes the grants along, so a workspace created again under the same slug
// gives nobody the old rights.
#include <gtest/gtest.h>

#include "store/sql/sql_workspaces.h"
#include "support/test_database.h"

using namespace cells::store;

namespace {
class WorkspaceStoreOn : public cells::testing::BackendTest {};
}  // namespace

TEST_P(WorkspaceStoreOn, SlugsAreUniqueAndListed) {
  SqlWorkspaceStore ws(db());
  ASSERT_TRUE(ws.create({"projects", "Projects", 10}));
  ASSERT_TRUE(ws.create({"archive", "Archive", 20}));
  auto dup = ws.create({"projects", "Other", 30});
  ASSERT_FALSE(dup);
  EXPECT_EQ(dup.error().code, "conflict");

  auto p = ws.find("projects");
  ASSERT_TRUE(p && p->has_value());
  EXPECT_EQ((*p)->name, "Projects") << "the first one stays";
  EXPECT_EQ((*p)->created_at, 10);
  EXPECT_FALSE(ws.find("nope")->has_value());
  auto list = ws.list();
  ASSERT_TRUE(list);
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].slug, "archive");
  EXPECT_EQ((*list)[1].slug, "projects");
}

TEST_P(WorkspaceStoreOn, GrantsReplaceAndAnEmptyGrantIsRemoved) {
  SqlWorkspaceStore ws(db());
  ASSERT_TRUE(ws.create({"projects", "Projects", 10}));
  ASSERT_TRUE(ws.set_grant({"projects", "u1", true, true}));
  ASSERT_TRUE(ws.set_grant({"projects", "u2", true, false}));
  ASSERT_TRUE(ws.set_grant({"projects", "u1", true, false}));

  auto g = ws.grant("projects", "u1");
  ASSERT_TRUE(g && g->has_value());
  EXPECT_TRUE((*g)->read);
  EXPECT_FALSE((*g)->write) << "replaced, not merged";
  EXPECT_EQ(ws.grants("projects")->size(), 2u);

  ASSERT_TRUE(ws.set_grant({"projects", "u2", false, false}));
  EXPECT_FALSE(ws.grant("projects", "u2")->has_value());
  auto all = ws.grants("projects");
  ASSERT_EQ(all->size(), 1u);
  EXPECT_EQ((*all)[0].user_id, "u1");
  EXPECT_FALSE(ws.grant("other", "u1")->has_value()) << "rights are per workspace";
}

TEST_P(WorkspaceStoreOn, RemoveTakesItsGrantsAlong) {
  SqlWorkspaceStore ws(db());
  ASSERT_TRUE(ws.create({"projects", "Projects", 10}));
  ASSERT_TRUE(ws.create({"kept", "Kept", 10}));
  ASSERT_TRUE(ws.set_grant({"projects", "u1", true, true}));
  ASSERT_TRUE(ws.set_grant({"kept", "u1", true, true}));

  ASSERT_TRUE(ws.remove("projects"));
  EXPECT_FALSE(ws.find("projects")->has_value());
  auto again = ws.remove("projects");
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, "not_found");

  ASSERT_TRUE(ws.create({"projects", "Projects again", 20}));
  EXPECT_FALSE(ws.grant("projects", "u1")->has_value()) << "no right survives into the new workspace";
  EXPECT_TRUE(ws.grants("projects")->empty());
  EXPECT_TRUE(ws.grant("kept", "u1")->has_value());
}

INSTANTIATE_TEST_SUITE_P(Backends, WorkspaceStoreOn, ::testing::ValuesIn(cells::testing::kBackends),
                         cells::testing::backend_name);
