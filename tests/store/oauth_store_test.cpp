// The OAuth stores on a real SQLite file: single-use codes, refresh rotation with grace and
// family revocation, revocation lookups.
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <thread>

#include "store/database.h"
#include "store/migrations.h"
#include "store/sql/sql_oauth.h"

using namespace cells::store;

namespace {
struct TempDb {
  std::string path;
  std::shared_ptr<Database> db;
  TempDb() {
    path = std::filesystem::temp_directory_path() / ("cells-store-" + std::to_string(::getpid()) + "-" +
                                                      std::to_string(counter++) + ".db");
    auto opened = Database::open("sqlite:" + path, 4);
    if (!opened) throw std::runtime_error(opened.error().message);
    db = *opened;
  }
  ~TempDb() {
    db.reset();
    for (auto suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
  }
  static inline int counter = 0;
};

AuthorizationCode code(const std::string& hash, std::int64_t expires) {
  return {hash, "grant-1", "client", "user", "http://localhost:3636", "openid", "", "", "sid", 1, expires};
}

RefreshToken token(const std::string& hash, const std::string& grant) {
  return {hash, grant, "client", "user", "openid offline", "sid", 1, 100, 100000};
}
}  // namespace

TEST(CodeStore, RedeemsOnceThenReportsReplay) {
  TempDb t;
  SqlCodeStore codes(t.db);
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

TEST(CodeStore, ConcurrentRedemptionHasExactlyOneWinner) {
  TempDb t;
  SqlCodeStore codes(t.db);
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

TEST(RefreshTokenStore, RotatesWithGraceThenRevokesFamily) {
  TempDb t;
  SqlRefreshTokenStore tokens(t.db);
  SqlRevocationStore revocations(t.db);
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

TEST(RefreshTokenStore, ExpiredAndUnknown) {
  TempDb t;
  SqlRefreshTokenStore tokens(t.db);
  auto rt = token("old", "f");
  rt.expires_at = 50;
  ASSERT_TRUE(tokens.save(rt));
  EXPECT_EQ(tokens.rotate("old", token("n", ""), 100, 10)->outcome, Rotation::expired);
  EXPECT_EQ(tokens.rotate("missing", token("n2", ""), 100, 10)->outcome, Rotation::unknown);
}

TEST(RevocationStore, TokensAndPurge) {
  TempDb t;
  SqlRevocationStore r(t.db);
  ASSERT_TRUE(r.revoke_token("j1", 100));
  ASSERT_TRUE(r.revoke_token("j1", 100)) << "idempotent";
  EXPECT_TRUE(*r.is_revoked("j1", ""));
  ASSERT_TRUE(r.purge_expired(200));
  EXPECT_FALSE(*r.is_revoked("j1", ""));
}

TEST(Database, MigrationsAreIdempotentAcrossOpens) {
  TempDb t;
  auto again = Database::open("sqlite:" + t.path, 1);
  ASSERT_TRUE(again);
  int versions = (*again)->run([](soci::session& sql) -> cells::Result<int> {
    int n = 0;
    sql << "SELECT COUNT(*) FROM schema_migrations", soci::into(n);
    return n;
  }).value();
  EXPECT_EQ(versions, static_cast<int>(migration_count())) << "each migration recorded once";
}
