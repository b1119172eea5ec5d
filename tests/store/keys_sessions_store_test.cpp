// SqlSigningKeyStore and SqlSessionStore on both backends: rotation retires only the rotated
// algorithms, purging forgets only long-retired keys; sessions are found only while live and
// are removed one by one, per user, or when expired.
#include <gtest/gtest.h>

#include "store/sql/sql_oauth.h"
#include "support/test_database.h"

using namespace cells::store;

namespace {
class SigningKeyStoreOn : public cells::testing::BackendTest {};
class SessionStoreOn : public cells::testing::BackendTest {};

StoredKey key(const std::string& kid, const std::string& alg, std::int64_t created) {
  return {kid, alg, "-----BEGIN PRIVATE KEY-----\n" + kid + "\n-----END PRIVATE KEY-----\n", created, 0};
}

const StoredKey* by_kid(const std::vector<StoredKey>& keys, const std::string& kid) {
  for (const auto& k : keys)
    if (k.kid == kid) return &k;
  return nullptr;
}
}  // namespace

TEST_P(SigningKeyStoreOn, RotationRetiresOnlyTheSameAlgorithms) {
  SqlSigningKeyStore keys(db());
  ASSERT_TRUE(keys.replace_active({key("rs-1", "RS256", 100), key("es-1", "ES256", 100)}, 100));
  ASSERT_TRUE(keys.replace_active({key("rs-2", "RS256", 200)}, 200));

  auto list = keys.list();
  ASSERT_TRUE(list);
  ASSERT_EQ(list->size(), 3u);
  EXPECT_EQ(by_kid(*list, "rs-1")->retired_at, 200) << "the old RS256 key is retired at the rotation";
  EXPECT_EQ(by_kid(*list, "rs-2")->retired_at, 0);
  EXPECT_EQ(by_kid(*list, "es-1")->retired_at, 0) << "ES256 was not rotated";
  EXPECT_EQ(by_kid(*list, "rs-2")->private_pem, key("rs-2", "", 0).private_pem);
  EXPECT_EQ(by_kid(*list, "rs-2")->alg, "RS256");
  EXPECT_EQ(list->back().kid, "rs-2") << "listed oldest first";
}

TEST_P(SigningKeyStoreOn, PurgeForgetsOnlyKeysRetiredBeforeTheCutoff) {
  SqlSigningKeyStore keys(db());
  ASSERT_TRUE(keys.replace_active({key("old", "EdDSA", 10)}, 10));
  ASSERT_TRUE(keys.replace_active({key("mid", "EdDSA", 100)}, 100));   // retires "old" at 100
  ASSERT_TRUE(keys.replace_active({key("new", "EdDSA", 300)}, 300));   // retires "mid" at 300
  ASSERT_TRUE(keys.purge_retired_before(200));
  auto list = *keys.list();
  EXPECT_EQ(by_kid(list, "old"), nullptr);
  ASSERT_NE(by_kid(list, "mid"), nullptr) << "retired after the cutoff: still published";
  ASSERT_NE(by_kid(list, "new"), nullptr);
  ASSERT_TRUE(keys.purge_retired_before(1000000));
  list = *keys.list();
  ASSERT_EQ(list.size(), 1u) << "an active key is never purged, however old";
  EXPECT_EQ(list[0].kid, "new");
}

TEST_P(SessionStoreOn, FoundOnlyWhileLive) {
  SqlSessionStore sessions(db());
  ASSERT_TRUE(sessions.create({"h1", "sid-1", "u1", 50, 1000}));
  auto s = sessions.find("h1", 999);
  ASSERT_TRUE(s && s->has_value());
  EXPECT_EQ((*s)->sid, "sid-1");
  EXPECT_EQ((*s)->user_id, "u1");
  EXPECT_EQ((*s)->auth_time, 50);
  EXPECT_EQ((*s)->expires_at, 1000);
  EXPECT_FALSE(sessions.find("h1", 1000)->has_value()) << "expired at its expiry";
  EXPECT_FALSE(sessions.find("unknown", 10)->has_value());
}

TEST_P(SessionStoreOn, SessionIdsAreUnique) {
  SqlSessionStore sessions(db());
  ASSERT_TRUE(sessions.create({"h1", "sid-1", "u1", 50, 1000}));
  auto dup = sessions.create({"h2", "sid-1", "u2", 50, 1000});
  ASSERT_FALSE(dup);
  EXPECT_EQ(dup.error().code, "conflict");
}

TEST_P(SessionStoreOn, RemoveOnePerUserAndExpired) {
  SqlSessionStore sessions(db());
  ASSERT_TRUE(sessions.create({"a1", "sid-a1", "alice", 1, 1000}));
  ASSERT_TRUE(sessions.create({"a2", "sid-a2", "alice", 1, 1000}));
  ASSERT_TRUE(sessions.create({"b1", "sid-b1", "bob", 1, 1000}));
  ASSERT_TRUE(sessions.create({"b2", "sid-b2", "bob", 1, 100}));
  ASSERT_TRUE(sessions.create({"c1", "sid-c1", "carol", 1, 1000}));

  ASSERT_TRUE(sessions.remove("c1"));
  EXPECT_FALSE(sessions.find("c1", 10)->has_value());
  ASSERT_TRUE(sessions.remove("c1")) << "removing twice is harmless";

  ASSERT_TRUE(sessions.remove_for_user("alice"));
  EXPECT_FALSE(sessions.find("a1", 10)->has_value());
  EXPECT_FALSE(sessions.find("a2", 10)->has_value());
  EXPECT_TRUE(sessions.find("b1", 10)->has_value());

  ASSERT_TRUE(sessions.purge_expired(500));
  EXPECT_TRUE(sessions.find("b1", 10)->has_value()) << "a live session survives the purge";
  EXPECT_FALSE(sessions.find("b2", 10)->has_value()) << "purged, even when asked about an earlier time";
}

INSTANTIATE_TEST_SUITE_P(Backends, SigningKeyStoreOn, ::testing::ValuesIn(cells::testing::kBackends),
                         cells::testing::backend_name);
INSTANTIATE_TEST_SUITE_P(Backends, SessionStoreOn, ::testing::ValuesIn(cells::testing::kBackends),
                         cells::testing::backend_name);
