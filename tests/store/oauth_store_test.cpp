// The OAuth stores on real SQLite files and a real PostgreSQL server: single-use codes, refresh
// rotation with grace and family revocation, revocation lookups, and the same races between two
// connection pools (two nodes) on one database.
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <thread>

#include "store/database.h"
#include "store/migrations.h"
#include "store/sql/sql_oauth.h"
#include "support/test_database.h"

using namespace cells::store;

namespace {
using cells::testing::BackendTest;
class CodeStoreOn : public BackendTest {};
class RefreshTokenStoreOn : public BackendTest {};
class RevocationStoreOn : public BackendTest {};
class DatabaseOn : public BackendTest {};

AuthorizationCode code(const std::string& hash, std::int64_t expires) {
  return {hash, "grant-1", "client", "user", "http://localhost:3636", "openid", "", "", "sid", 1, expires};
}

RefreshToken token(const std::string& hash, const std::string& grant) {
  return {hash, grant, "client", "user", "openid offline", "sid", 1, 100, 100000};
}
}  // namespace

TEST_P(CodeStoreOn, RedeemsOnceThenReportsReplay) {
  SqlCodeStore codes(db());
  ASSERT_TRUE(codes.save(code("h1", 1000)));
  auto first = codes.redeem("h1", 500);
  ASSERT_TRUE(first);
  EXPECT_EQ(first->outcome, Redemption::redeemed);
  EXPECT_EQ(first->code.grant_id, "grant-1");
  auto second = codes.redeem("h1", 501);
  ASSERT_TRUE(second);
  EXPECT_EQ(second->outcome, Redemption::replayed);
  EXPECT_EQ(codes.redeem("nope", 500)->outcome, Redemption::unknown);
  ASSERT_TRUE(codes.save(code("h2", 1000)));
  EXPECT_EQ(codes.redeem("h2", 1000)->outcome, Redemption::expired);
}

TEST_P(CodeStoreOn, ConcurrentRedemptionHasExactlyOneWinner) {
  SqlCodeStore codes(db());
  for (int round = 0; round < 20; ++round) {
    std::string h = "race-" + std::to_string(round);
    ASSERT_TRUE(codes.save(code(h, 1000)));
    std::atomic<int> winners{0};
    std::vector<std::thread> threads;
    for (int i = 0; i < 4; ++i)
      threads.emplace_back([&] {
        auto r = codes.redeem(h, 10);
        if (r && r->outcome == Redemption::redeemed) ++winners;
      });
    for (auto& th : threads) th.join();
    EXPECT_EQ(winners.load(), 1) << h;
  }
}

TEST_P(RefreshTokenStoreOn, RotatesWithGraceThenRevokesFamily) {
  SqlRefreshTokenStore tokens(db());
  SqlRevocationStore revocations(db());
  ASSERT_TRUE(tokens.save(token("r1", "fam")));
  auto a = tokens.rotate("r1", token("r2", ""), 1000, 10);
  ASSERT_TRUE(a);
  EXPECT_EQ(a->outcome, Rotation::rotated);
  ASSERT_TRUE(tokens.find("r2", 1000)->has_value());
  EXPECT_EQ((*tokens.find("r2", 1000))->grant_id, "fam") << "successor joins the family";
  auto b = tokens.rotate("r1", token("r3", ""), 1005, 10);
  EXPECT_EQ(b->outcome, Rotation::rotated) << "within grace: a sibling";
  auto c = tokens.rotate("r1", token("r4", ""), 1020, 10);
  EXPECT_EQ(c->outcome, Rotation::replayed);
  EXPECT_FALSE(tokens.find("r2", 1020)->has_value()) << "family gone";
  EXPECT_FALSE(tokens.find("r3", 1020)->has_value());
  EXPECT_FALSE(tokens.find("r4", 1020)->has_value()) << "no successor stored on replay";
  EXPECT_TRUE(*revocations.is_revoked("any-jti", "fam"));
  EXPECT_FALSE(*revocations.is_revoked("any-jti", "other"));
}

TEST_P(RefreshTokenStoreOn, ExpiredAndUnknown) {
  SqlRefreshTokenStore tokens(db());
  auto rt = token("old", "f");
  rt.expires_at = 50;
  ASSERT_TRUE(tokens.save(rt));
  EXPECT_EQ(tokens.rotate("old", token("n", ""), 100, 10)->outcome, Rotation::expired);
  EXPECT_EQ(tokens.rotate("missing", token("n2", ""), 100, 10)->outcome, Rotation::unknown);
}

TEST_P(RevocationStoreOn, TokensAndPurge) {
  SqlRevocationStore r(db());
  ASSERT_TRUE(r.revoke_token("j1", 100));
  ASSERT_TRUE(r.revoke_token("j1", 100)) << "idempotent";
  EXPECT_TRUE(*r.is_revoked("j1", ""));
  ASSERT_TRUE(r.purge_expired(200));
  EXPECT_FALSE(*r.is_revoked("j1", ""));
}

TEST_P(DatabaseOn, MigrationsAreIdempotentAcrossOpens) {
  auto again = database().open_again(1);
  int versions = again->run([](soci::session& sql) -> cells::Result<int> {
    int n = 0;
    sql << "SELECT COUNT(*) FROM schema_migrations", soci::into(n);
    return n;
  }).value();
  EXPECT_EQ(versions, static_cast<int>(migration_count())) << "each migration recorded once";
}

// The janitor purges expired rows of these tables every 10 minutes: through an index, not by
// reading every stored token (a scan of a million rows held SQLite's write lock for ~0.2 s).
TEST_P(DatabaseOn, ExpiredRowsArePurgedThroughAnIndex) {
  bool sqlite = db()->backend() == Backend::sqlite;
  for (std::string table : {"refresh_tokens", "personal_tokens", "login_sessions", "revoked_tokens", "revoked_grants"}) {
    auto how = db()->run([&](soci::session& sql) -> cells::Result<std::string> {
      std::string out;
      if (sqlite) {
        soci::rowset<soci::row> plan = (sql.prepare << "EXPLAIN QUERY PLAN DELETE FROM " + table + " WHERE expires_at < 1");
        for (const auto& step : plan) out += step.get<std::string>(3) + "; ";
      } else {
        sql << "SELECT indexdef FROM pg_indexes WHERE tablename = :t AND indexdef LIKE '%(expires_at)'", soci::use(table),
            soci::into(out);
      }
      return out;
    });
    ASSERT_TRUE(how) << table;
    EXPECT_NE(how->find("expires_at"), std::string::npos) << table << ": " << *how;  // SQLite: "SEARCH … (expires_at<?)", not "SCAN"
  }
}

// The same code presented to two nodes at the same moment: exactly one redemption wins.
TEST_P(CodeStoreOn, RedemptionAcrossTwoNodesHasExactlyOneWinner) {
  SqlCodeStore node_a(db()), node_b(database().open_again());
  for (int round = 0; round < 50; ++round) {
    std::string h = "two-nodes-" + std::to_string(round);
    ASSERT_TRUE(node_a.save(code(h, 1000)));
    std::atomic<int> winners{0};
    std::vector<std::thread> threads;
    for (int i = 0; i < 4; ++i)
      threads.emplace_back([&, i] {
        auto r = (i % 2 ? node_b : node_a).redeem(h, 10);
        if (r && r->outcome == Redemption::redeemed) ++winners;
      });
    for (auto& th : threads) th.join();
    EXPECT_EQ(winners.load(), 1) << h;
  }
}

// One refresh token presented to two nodes at once, after its grace period: whatever the
// interleaving, no successor survives the family revocation. Within grace, successors are
// siblings of one family (one grant id), never a second family.
TEST_P(RefreshTokenStoreOn, RotationAcrossTwoNodesNeverForks) {
  SqlRefreshTokenStore node_a(db());
  auto other = database().open_again();
  SqlRefreshTokenStore node_b(other);
  SqlRevocationStore revocations(db());
  for (int round = 0; round < 30; ++round) {
    std::string fam = "fam-" + std::to_string(round), first = "rt-" + std::to_string(round);
    ASSERT_TRUE(node_a.save(token(first, fam)));
    ASSERT_TRUE(node_a.rotate(first, token(first + "-s0", ""), 1000, 10));
    std::vector<std::thread> threads;
    for (int i = 0; i < 4; ++i)
      threads.emplace_back([&, i] {
        (void)(i % 2 ? node_b : node_a).rotate(first, token(first + "-r" + std::to_string(i), ""), 1020, 10);
      });
    for (auto& th : threads) th.join();
    EXPECT_TRUE(*revocations.is_revoked("", fam));
    for (int i = 0; i < 4; ++i)
      EXPECT_FALSE(node_a.find(first + "-r" + std::to_string(i), 1020)->has_value()) << "a fork survived";
    EXPECT_FALSE(node_a.find(first + "-s0", 1020)->has_value());
  }
}

// Logout or revocation on one node while another rotates the same family: whichever commits
// first, nothing of the family stays usable.
TEST_P(RefreshTokenStoreOn, RevocationRacingRotationLeavesNothingUsable) {
  SqlRefreshTokenStore node_a(db());
  auto other = database().open_again();
  SqlRevocationStore node_b(other);
  for (int round = 0; round < 30; ++round) {
    std::string fam = "race-fam-" + std::to_string(round), first = "race-rt-" + std::to_string(round);
    ASSERT_TRUE(node_a.save(token(first, fam)));
    std::thread rotate([&] { (void)node_a.rotate(first, token(first + "-next", ""), 1000, 10); });
    std::thread revoke([&] { (void)node_b.revoke_grant(fam, 1000, 100000); });
    rotate.join();
    revoke.join();
    EXPECT_FALSE(node_a.find(first + "-next", 1001)->has_value()) << round;
    EXPECT_NE(node_a.rotate(first + "-next", token(first + "-after", ""), 1001, 10)->outcome, Rotation::rotated);
    EXPECT_NE(node_a.rotate(first, token(first + "-again", ""), 1001, 10)->outcome, Rotation::rotated);
  }
}

INSTANTIATE_TEST_SUITE_P(Backends, CodeStoreOn, ::testing::ValuesIn(cells::testing::kBackends),
                         cells::testing::backend_name);
INSTANTIATE_TEST_SUITE_P(Backends, RefreshTokenStoreOn, ::testing::ValuesIn(cells::testing::kBackends),
                         cells::testing::backend_name);
INSTANTIATE_TEST_SUITE_P(Backends, RevocationStoreOn, ::testing::ValuesIn(cells::testing::kBackends),
                         cells::testing::backend_name);
INSTANTIATE_TEST_SUITE_P(Backends, DatabaseOn, ::testing::ValuesIn(cells::testing::kBackends),
                         cells::testing::backend_name);
