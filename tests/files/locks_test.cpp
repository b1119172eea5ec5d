#include "files/locks.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "files/if_header.h"
#include "store/sql/sql_dav_locks.h"
#include "support/test_database.h"

using namespace cells::files;

// On both backends: the lock table is the truth, shared by every node.
class LockManagerOn : public cells::testing::BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    if (IsSkipped()) return;
    store_ = std::make_unique<cells::store::SqlDavLockStore>(db());
    m_ = std::make_unique<LockManager>(*store_);
  }
  LockManager& m() { return *m_; }
  std::unique_ptr<cells::store::SqlDavLockStore> store_;
  std::unique_ptr<LockManager> m_;
};

TEST_P(LockManagerOn, ExclusiveConflictsSharedCoexist) {
  auto a = m().lock("ws/a", false, false, "", 60);
  ASSERT_TRUE(a);
  EXPECT_TRUE(m().lock("ws/a", false, false, "", 60)) << "two shared locks";
  EXPECT_EQ(m().lock("ws/a", true, false, "", 60).error().code, "locked");
  EXPECT_TRUE(m().lock("ws/b", true, false, "", 60));
}

TEST_P(LockManagerOn, DeepLocksCoverDescendantsAndBlockDeepAncestors) {
  auto deep = m().lock("ws/dir", true, true, "", 60);
  ASSERT_TRUE(deep);
  EXPECT_TRUE(*m().token_covers(deep->token, "ws/dir/x/y"));
  EXPECT_FALSE(*m().token_covers(deep->token, "ws/dirx")) << "prefix is not ancestry";
  EXPECT_EQ(m().lock("ws/dir/x", true, false, "", 60).error().code, "locked");
  EXPECT_EQ(m().lock("ws", true, true, "", 60).error().code, "locked");
  EXPECT_EQ(m().covering("ws/dir/x", false)->size(), 1u);
  EXPECT_EQ(m().covering("ws", true)->size(), 1u);
  EXPECT_EQ(m().covering("ws", false)->size(), 0u);
}

TEST_P(LockManagerOn, UnlockRefreshRelease) {
  auto l = m().lock("ws/f", true, false, "me", 60);
  ASSERT_TRUE(l);
  EXPECT_TRUE(m().refresh("ws/f", l->token, 120));
  EXPECT_FALSE(m().refresh("ws/g", l->token, 120));
  EXPECT_FALSE(m().unlock("ws/f", "opaquelocktoken:bogus"));
  EXPECT_TRUE(m().unlock("ws/f", l->token));
  EXPECT_FALSE(*m().token_covers(l->token, "ws/f"));
  auto again = m().lock("ws/d/f", true, false, "", 60);
  ASSERT_TRUE(m().release_tree("ws/d"));
  EXPECT_FALSE(*m().token_covers(again->token, "ws/d/f"));
}

// A lock taken through one node is seen, and conflicts, on another.
TEST_P(LockManagerOn, LocksAreSharedBetweenNodes) {
  cells::store::SqlDavLockStore other_store(database().open_again());
  LockManager other(other_store);
  auto l = m().lock("ws/shared", true, false, "", 60);
  ASSERT_TRUE(l);
  EXPECT_TRUE(*other.token_covers(l->token, "ws/shared"));
  EXPECT_EQ(other.lock("ws/shared", false, false, "", 60).error().code, "locked");
  ASSERT_TRUE(other.unlock("ws/shared", l->token));
  EXPECT_TRUE(m().lock("ws/shared", true, false, "", 60)) << "unlocked through the other node";
}

// Two nodes racing for the same exclusive lock: exactly one gets it.
TEST_P(LockManagerOn, RacingExclusiveLocksHaveOneWinner) {
  cells::store::SqlDavLockStore other_store(database().open_again());
  LockManager other(other_store);
  for (int round = 0; round < 20; ++round) {
    std::string path = "ws/race" + std::to_string(round);
    std::atomic<int> winners{0};
    std::vector<std::thread> threads;
    for (int i = 0; i < 4; ++i)
      threads.emplace_back([&, i] {
        if ((i % 2 ? other : m()).lock(path, true, false, "", 60)) ++winners;
      });
    for (auto& t : threads) t.join();
    EXPECT_EQ(winners.load(), 1) << path;
  }
}

INSTANTIATE_TEST_SUITE_P(Backends, LockManagerOn, ::testing::ValuesIn(cells::testing::kBackends),
                         cells::testing::backend_name);

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
