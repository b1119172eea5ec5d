#include "files/locks.h"

#include <gtest/gtest.h>

#include "files/if_header.h"

using namespace cells::files;

TEST(LockManager, ExclusiveConflictsSharedCoexist) {
  LockManager m;
  auto a = m.lock("ws/a", false, false, "", 60);
  ASSERT_TRUE(a);
  EXPECT_TRUE(m.lock("ws/a", false, false, "", 60)) << "two shared locks";
  EXPECT_EQ(m.lock("ws/a", true, false, "", 60).error().code, "locked");
  EXPECT_TRUE(m.lock("ws/b", true, false, "", 60));
}

TEST(LockManager, DeepLocksCoverDescendantsAndBlockDeepAncestors) {
  LockManager m;
  auto deep = m.lock("ws/dir", true, true, "", 60);
  ASSERT_TRUE(deep);
  EXPECT_TRUE(m.token_covers(deep->token, "ws/dir/x/y"));
  EXPECT_FALSE(m.token_covers(deep->token, "ws/dirx")) << "prefix is not ancestry";
  EXPECT_EQ(m.lock("ws/dir/x", true, false, "", 60).error().code, "locked");
  EXPECT_EQ(m.lock("ws", true, true, "", 60).error().code, "locked");
  EXPECT_EQ(m.covering("ws/dir/x", false).size(), 1u);
  EXPECT_EQ(m.covering("ws", true).size(), 1u);
  EXPECT_EQ(m.covering("ws", false).size(), 0u);
}

TEST(LockManager, UnlockRefreshRelease) {
  LockManager m;
  auto l = m.lock("ws/f", true, false, "me", 60);
  ASSERT_TRUE(l);
  EXPECT_TRUE(m.refresh("ws/f", l->token, 120));
  EXPECT_FALSE(m.refresh("ws/g", l->token, 120));
  EXPECT_FALSE(m.unlock("ws/f", "opaquelocktoken:bogus"));
  EXPECT_TRUE(m.unlock("ws/f", l->token));
  EXPECT_FALSE(m.token_covers(l->token, "ws/f"));
  auto again = m.lock("ws/d/f", true, false, "", 60);
  m.release_tree("ws/d");
  EXPECT_FALSE(m.token_covers(again->token, "ws/d/f"));
}

TEST(IfHeader, ParsesTaggedAndUntaggedLists) {
  auto lists = parse_if(R"(<http://h/dav/x> (<opaquelocktoken:1> ["etag"]) (Not <DAV:no-lock>))");
  ASSERT_TRUE(lists);
  ASSERT_EQ(lists->size(), 2u);
  EXPECT_EQ((*lists)[0].resource, "http://h/dav/x");
  ASSERT_EQ((*lists)[0].conditions.size(), 2u);
  EXPECT_TRUE((*lists)[0].conditions[0].is_token);
  EXPECT_EQ((*lists)[0].conditions[1].value, "\"etag\"");
  EXPECT_TRUE((*lists)[1].conditions[0].negate);
  for (const char* bad : {"", "(", "()", "(<a>", "<x>", "(foo)", "(Not)"}) EXPECT_FALSE(parse_if(bad)) << bad;
}
