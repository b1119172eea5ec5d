// SqlPersonalTokenStore on both backends: round trip with scopes, unique digests, listing per
// user, removal, expiries recorded as uses that never move backwards (also when two nodes flush
// out of order), and purging of expired tokens.
#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>
#include <random>
#include <thread>

#include "store/sql/sql_personal_tokens.h"
#include "support/test_database.h"

using namespace cells::store;

namespace {
class PersonalTokenStoreOn : public cells::testing::BackendTest {};

PersonalToken pat(const std::string& id, const std::string& user, std::int64_t created, std::int64_t expires) {
  return {id, "hash-" + id, user, "label " + id, "admin-cli", created, 0, expires, 0, 0, {}};
}

std::int64_t expiry(PersonalTokenStore& store, const std::string& id) {
  auto t = store.find_by_hash("hash-" + id);
  EXPECT_TRUE(t && t->has_value()) << id;
  return t && t->has_value() ? (*t)->expires_at : -1;
}
}  // namespace

TEST_P(PersonalTokenStoreOn, RoundTripsEveryField) {
  SqlPersonalTokenStore tokens(db());
  auto t = pat("t1", "u1", 100, 700);
  t.window_seconds = 600;
  t.max_expires_at = 5000;
  t.last_used_at = 150;
  t.scopes = {"node:1b4e28ba-2fa1-41d2-883f-0016d3cca427:rw", "node:6fa459ea-ee8a-4ca4-894e-db77e160355e:r"};
  ASSERT_TRUE(tokens.create(t));
  auto found = tokens.find_by_hash("hash-t1");
  ASSERT_TRUE(found && found->has_value());
  const auto& f = **found;
  EXPECT_EQ(f.id, "t1");
  EXPECT_EQ(f.user_id, "u1");
  EXPECT_EQ(f.label, "label t1");
  EXPECT_EQ(f.created_by, "admin-cli");
  EXPECT_EQ(f.created_at, 100);
  EXPECT_EQ(f.last_used_at, 150);
  EXPECT_EQ(f.expires_at, 700);
  EXPECT_EQ(f.window_seconds, 600);
  EXPECT_EQ(f.max_expires_at, 5000);
  EXPECT_EQ(f.scopes, t.scopes);
  EXPECT_FALSE(tokens.find_by_hash("hash-none")->has_value());
}

TEST_P(PersonalTokenStoreOn, DigestsAndIdsAreUnique) {
  SqlPersonalTokenStore tokens(db());
  ASSERT_TRUE(tokens.create(pat("t1", "u1", 1, 100)));
  auto same_digest = pat("t2", "u2", 1, 100);
  same_digest.token_hash = "hash-t1";
  auto st = tokens.create(same_digest);
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().code, "conflict");
  auto same_id = pat("t1", "u2", 1, 100);
  same_id.token_hash = "hash-other";
  st = tokens.create(same_id);
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().code, "conflict");
  EXPECT_EQ((*tokens.find_by_hash("hash-t1"))->user_id, "u1");
}

TEST_P(PersonalTokenStoreOn, ListsPerUserOrAllByCreation) {
  SqlPersonalTokenStore tokens(db());
  ASSERT_TRUE(tokens.create(pat("b", "u1", 30, 100)));
  ASSERT_TRUE(tokens.create(pat("a", "u2", 20, 100)));
  ASSERT_TRUE(tokens.create(pat("c", "u1", 10, 100)));
  auto mine = tokens.list("u1");
  ASSERT_TRUE(mine);
  ASSERT_EQ(mine->size(), 2u);
  EXPECT_EQ((*mine)[0].id, "c");
  EXPECT_EQ((*mine)[1].id, "b");
  auto all = tokens.list("");
  ASSERT_EQ(all->size(), 3u);
  EXPECT_EQ((*all)[0].id, "c");
  EXPECT_EQ((*all)[1].id, "a");
  EXPECT_TRUE(tokens.list("nobody")->empty());
}

TEST_P(PersonalTokenStoreOn, RemoveReturnsTheDigestOnce) {
  SqlPersonalTokenStore tokens(db());
  ASSERT_TRUE(tokens.create(pat("t1", "u1", 1, 100)));
  ASSERT_TRUE(tokens.create(pat("t2", "u1", 1, 100)));
  auto removed = tokens.remove("t1");
  ASSERT_TRUE(removed);
  EXPECT_EQ(*removed, "hash-t1") << "so that caches can evict it";
  EXPECT_FALSE(tokens.find_by_hash("hash-t1")->has_value());
  EXPECT_TRUE(tokens.find_by_hash("hash-t2")->has_value());
  auto again = tokens.remove("t1");
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, "not_found");
}

TEST_P(PersonalTokenStoreOn, RecordedUsesNeverMoveAnExpiryBackwards) {
  SqlPersonalTokenStore tokens(db());
  ASSERT_TRUE(tokens.create(pat("t1", "u1", 1, 1000)));
  ASSERT_TRUE(tokens.create(pat("t2", "u1", 1, 1000)));
  ASSERT_TRUE(tokens.record_uses({{"hash-t1", 5000, 400}}));
  EXPECT_EQ(expiry(tokens, "t1"), 5000);
  ASSERT_TRUE(tokens.record_uses({{"hash-t1", 3000, 300}}));
  EXPECT_EQ(expiry(tokens, "t1"), 5000) << "a late flush of an older use";
  ASSERT_TRUE(tokens.record_uses({{"hash-t2", 2500, 500}, {"hash-unknown", 9000, 500}, {"hash-t2", 2000, 450}}));
  EXPECT_EQ(expiry(tokens, "t2"), 2500) << "within one batch too; an unknown digest is skipped";
  ASSERT_TRUE(tokens.record_uses({{"hash-t2", 900, 600}}));
  EXPECT_EQ(expiry(tokens, "t2"), 2500) << "never below the stored expiry either";
}

// Two nodes flush the sliding expiries they saw, in no particular order and at the same time:
// the stored expiry ends at the latest one, whatever the interleaving.
TEST_P(PersonalTokenStoreOn, UsesRecordedOutOfOrderByTwoNodesKeepTheLatestExpiry) {
  SqlPersonalTokenStore node_a(db()), node_b(database().open_again());
  ASSERT_TRUE(node_a.create(pat("slide", "u1", 1, 1000)));
  std::vector<std::int64_t> expiries(200);
  std::iota(expiries.begin(), expiries.end(), 1001);  // 1001..1200
  auto flush_shuffled = [&](PersonalTokenStore& node, unsigned seed) {
    auto order = expiries;
    std::shuffle(order.begin(), order.end(), std::mt19937(seed));
    for (std::size_t i = 0; i < order.size(); i += 4) {
      std::vector<TokenUse> batch;
      for (std::size_t j = i; j < std::min(order.size(), i + 4); ++j) batch.push_back({"hash-slide", order[j], order[j]});
      EXPECT_TRUE(node.record_uses(batch));
    }
  };
  std::thread a([&] { flush_shuffled(node_a, 1); });
  std::thread b([&] { flush_shuffled(node_b, 2); });
  a.join();
  b.join();
  EXPECT_EQ(expiry(node_a, "slide"), 1200);
  EXPECT_EQ(expiry(node_b, "slide"), 1200);
}

TEST_P(PersonalTokenStoreOn, PurgeRemovesOnlyExpiredTokens) {
  SqlPersonalTokenStore tokens(db());
  ASSERT_TRUE(tokens.create(pat("old", "u1", 1, 100)));
  ASSERT_TRUE(tokens.create(pat("slid", "u1", 1, 100)));
  ASSERT_TRUE(tokens.create(pat("live", "u1", 1, 1000)));
  ASSERT_TRUE(tokens.record_uses({{"hash-slid", 900, 90}}));
  ASSERT_TRUE(tokens.purge_expired(500));
  EXPECT_FALSE(tokens.find_by_hash("hash-old")->has_value());
  EXPECT_TRUE(tokens.find_by_hash("hash-slid")->has_value()) << "its expiry slid past the purge time";
  EXPECT_TRUE(tokens.find_by_hash("hash-live")->has_value());
  EXPECT_EQ(tokens.list("")->size(), 2u);
}

INSTANTIATE_TEST_SUITE_P(Backends, PersonalTokenStoreOn, ::testing::ValuesIn(cells::testing::kBackends),
                         cells::testing::backend_name);
