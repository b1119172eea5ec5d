// The in-memory refresh-token cache in front of the SQL store, on both backends: served from
// memory once seen, yet never answering for a token that expired, whose family was revoked or
// whose client was removed, nor hiding a rotation, on this node or (PostgreSQL) another one.
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <thread>

#include "store/cached_stores.h"
#include "store/change_feed.h"
#include "store/sql/sql_clients.h"
#include "store/sql/sql_oauth.h"
#include "support/test_database.h"

using namespace cells::store;

namespace {
using cells::testing::BackendTest;
class CachedRefreshTokensOn : public BackendTest {};

RefreshToken token(const std::string& hash, const std::string& grant, std::int64_t expires = 100000) {
  return {hash, grant, "app", "user", "openid offline", "sid", 1, 100, expires};
}

// One node's view: the SQL stores behind their caches, on its own feed.
struct Node {
  explicit Node(std::shared_ptr<Database> db)
      : feed(db), sql_tokens(db), sql_revocations(db), sql_clients(db), tokens(sql_tokens, feed),
        revocations(sql_revocations, feed), clients(sql_clients, feed), listening(feed.start()) {}
  ChangeFeed feed;
  SqlRefreshTokenStore sql_tokens;
  SqlRevocationStore sql_revocations;
  SqlClientStore sql_clients;
  CachedRefreshTokenStore tokens;
  CachedRevocationStore revocations;
  CachedClientStore clients;
  ChangeFeed::Listening listening;

  bool finds(const std::string& hash, std::int64_t now = 200) {
    auto found = tokens.find(hash, now);
    EXPECT_TRUE(found) << found.error().message;
    return found && found->has_value();
  }
};

// Whether `done()` becomes true within the one second the feed allows another node.
template <typename F>
bool within_a_second(F done) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(1);
  while (!done() && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  return done();
}

void delete_rows_behind_the_cache(Database& db) {
  ASSERT_TRUE(db.run([](soci::session& sql) -> cells::Status {
    sql << "DELETE FROM refresh_tokens";
    return cells::ok();
  }));
}
}  // namespace

TEST_P(CachedRefreshTokensOn, ASeenTokenIsServedFromMemoryUntilItsFamilyIsRevoked) {
  Node node(db());
  ASSERT_TRUE(node.tokens.save(token("h1", "g1")));
  ASSERT_TRUE(node.tokens.save(token("h2", "g2")));
  ASSERT_TRUE(node.finds("h1"));
  ASSERT_TRUE(node.finds("h2"));
  delete_rows_behind_the_cache(*db());
  EXPECT_TRUE(node.finds("h1")) << "answered from memory, without reading the database";
  ASSERT_TRUE(node.revocations.revoke_grant("g1", 200, 1000));
  EXPECT_FALSE(node.finds("h1"));
  EXPECT_FALSE(node.finds("h2")) << "the cache was emptied, and the database no longer has it";
}

TEST_P(CachedRefreshTokensOn, RotationShowsThroughTheCache) {
  Node node(db());
  ASSERT_TRUE(node.tokens.save(token("h1", "g1")));
  auto before = node.tokens.find("h1", 200);
  ASSERT_TRUE(before && before->has_value());
  EXPECT_EQ((*before)->used_at, 0);
  auto rotated = node.tokens.rotate("h1", token("h2", ""), 300, 10);
  ASSERT_TRUE(rotated);
  ASSERT_EQ(rotated->outcome, Rotation::rotated);
  auto after = node.tokens.find("h1", 301);
  ASSERT_TRUE(after && after->has_value());
  EXPECT_EQ((*after)->used_at, 300) << "the cached copy from before the rotation was evicted";
  auto successor = node.tokens.find("h2", 301);
  ASSERT_TRUE(successor && successor->has_value());
  EXPECT_EQ((*successor)->grant_id, "g1");
  EXPECT_EQ((*successor)->used_at, 0);
}

TEST_P(CachedRefreshTokensOn, ACachedTokenStillExpires) {
  Node node(db());
  ASSERT_TRUE(node.tokens.save(token("h1", "g1", 1000)));
  ASSERT_TRUE(node.finds("h1", 999));
  EXPECT_FALSE(node.finds("h1", 1000));
  EXPECT_FALSE(node.finds("h1", 5000));
}

TEST_P(CachedRefreshTokensOn, RemovingTheClientForgetsItsTokens) {
  Node node(db());
  Client app;
  app.id = "app";
  app.grant_types = {"refresh_token"};
  ASSERT_TRUE(node.clients.create(app));
  ASSERT_TRUE(node.tokens.save(token("h1", "g1")));
  ASSERT_TRUE(node.finds("h1"));
  ASSERT_TRUE(node.clients.remove("app"));
  EXPECT_FALSE(node.finds("h1"));
}

// Node A has seen token h1 (grant g1) and cached it; node B shares the database (PostgreSQL).
class CachedRefreshTokensOnTwoNodes : public CachedRefreshTokensOn {
 protected:
  void SetUp() override {
    CachedRefreshTokensOn::SetUp();
    if (IsSkipped()) return;
    if (GetParam() == Backend::sqlite) GTEST_SKIP() << "one process per SQLite database";
    a = std::make_unique<Node>(db());
    b = std::make_unique<Node>(database().open_again());
    ASSERT_TRUE(a->tokens.save(token("h1", "g1")));
    ASSERT_TRUE(a->finds("h1"));
  }
  std::unique_ptr<Node> a, b;
};

TEST_P(CachedRefreshTokensOnTwoNodes, ARotationOnBReachesAWithinASecond) {
  auto rotated = b->tokens.rotate("h1", token("h2", ""), 300, 10);
  ASSERT_TRUE(rotated && rotated->outcome == Rotation::rotated);
  auto used_at = [&] {
    auto found = a->tokens.find("h1", 301);
    return found && found->has_value() ? (*found)->used_at : -1;
  };
  EXPECT_TRUE(within_a_second([&] { return used_at() == 300; }));
}

TEST_P(CachedRefreshTokensOnTwoNodes, ARevocationOnBReachesAWithinASecond) {
  ASSERT_TRUE(b->revocations.revoke_grant("g1", 200, 1000));
  EXPECT_TRUE(within_a_second([&] { return !a->finds("h1"); }));
}

INSTANTIATE_TEST_SUITE_P(Backends, CachedRefreshTokensOn, ::testing::ValuesIn(cells::testing::kBackends),
                         cells::testing::backend_name);
INSTANTIATE_TEST_SUITE_P(Backends, CachedRefreshTokensOnTwoNodes, ::testing::ValuesIn(cells::testing::kBackends),
                         cells::testing::backend_name);
