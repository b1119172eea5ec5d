#include "files/paths.h"

#include <gtest/gtest.h>

using namespace cells::files;

TEST(TreePaths, ParsesWorkspaceAndSegments) {
  auto p = parse_tree_path("/personal-files/a/b/");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->workspace, "personal-files");
  EXPECT_EQ(p->segments, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(p->text(), "personal-files/a/b");
  EXPECT_TRUE(parse_tree_path("common-files")->is_root());
}

TEST(TreePaths, RefusesUnsafeNames) {
  for (const std::string& bad : std::vector<std::string>{"personal-files/..", "personal-files/.", "personal-files/a//b", std::string("personal-files/a\0b", 18),
                          "personal-files/a\\b", "personal-files/\x7f", "personal-files/" + std::string(256, 'x'),
                          "personal-files/\xff"})
    EXPECT_EQ(parse_tree_path(bad).error().code, "invalid_path") << bad;
  EXPECT_EQ(parse_tree_path("Not A Slug/a").error().code, "not_found");
  EXPECT_TRUE(parse_tree_path("projects-2/a")) << "admin-created workspaces are checked by FileTree";
}

TEST(TreePaths, NormalizesToNfc) {
  EXPECT_EQ(*normalize_name("cafe\xcc\x81"), "caf\xc3\xa9");
  EXPECT_EQ(*normalize_name("caf\xc3\xa9"), "caf\xc3\xa9");
}
