// admin::copy_database / verify_copy between the two backends, both ways: every table arrives
// (read back through the stores), values with quotes, placeholders and non-ASCII text survive
// bound parameters, tables larger than one batch arrive whole, a target holding rows is refused
// untouched, and the checksums notice a single changed field or a missing row.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>

#include "admin/db_copy.h"
#include "store/sql/sql_clients.h"
#include "store/sql/sql_dav_locks.h"
#include "store/sql/sql_login_failures.h"
#include "store/sql/sql_nodes.h"
#include "store/sql/sql_oauth.h"
#include "store/sql/sql_personal_tokens.h"
#include "store/sql/sql_users.h"
#include "store/sql/sql_workspaces.h"
#include "support/test_database.h"

using namespace cells::store;
using cells::admin::copy_database;
using cells::admin::verify_copy;

namespace {

// The parameter is the source backend; the target is the other one.
class DbCopyFrom : public cells::testing::BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    if (IsSkipped()) return;
    auto other = GetParam() == Backend::sqlite ? Backend::postgresql : Backend::sqlite;
    target_ = std::make_unique<cells::testing::TestDatabase>(other);
    if (target_->skipped()) GTEST_SKIP() << "CELLS_TEST_PG is not set: no PostgreSQL server for this test";
  }
  Database& from() { return *db(); }
  Database& to() { return *target_->db; }
  std::shared_ptr<Database> to_ptr() { return target_->db; }

  // A little of everything, with text that would break string-built SQL.
  void populate() {
    const std::string odd = "O'Brien \"quoted\" :p0 ? %s; DROP TABLE users; -- \xc3\xa9t\xc3\xa9 \xe2\x9c\x93\nline2";
    ASSERT_TRUE(SqlUserStore(db()).create({"u1", "Alice", odd, "alice@example.org", "$argon2id$x", true, 1, 2, 3}));
    ASSERT_TRUE(SqlUserStore(db()).create({"u2", "bob", "", "", "$argon2id$y", false, 4, 5, 6}));
    ASSERT_TRUE(SqlClientStore(db()).create({"app", "secret-hash", odd, {"http://localhost:9999/cb"},
                                             {"client_credentials"}, false, "ES256", "RS256", 7}));
    ASSERT_TRUE(SqlSigningKeyStore(db()).replace_active({{"kid-1", "ES256", "pem", 8, 0}}, 8));
    ASSERT_TRUE(SqlSessionStore(db()).create({"sess", "sid", "u1", 9, 9999999999LL}));
    ASSERT_TRUE(SqlCodeStore(db()).save({"code", "g1", "app", "u1", "http://x", "openid", odd, "", "sid", 1, 99}));
    ASSERT_TRUE(SqlRefreshTokenStore(db()).save({"rt", "g1", "app", "u1", "openid", "sid", 1, 1, 99999}));
    ASSERT_TRUE(SqlRevocationStore(db()).revoke_token("jti", 100));
    ASSERT_TRUE(SqlRevocationStore(db()).revoke_grant("g0", 1, 100));
    ASSERT_TRUE(SqlLoginFailureStore(db()).update("account:alice", 5, [](FailureCount& c) { c.failures = 3; }));
    ASSERT_TRUE(SqlWorkspaceStore(db()).create({"projects", odd, 10}));
    ASSERT_TRUE(SqlWorkspaceStore(db()).set_grant({"projects", "u2", true, false}));
    ASSERT_TRUE(SqlPersonalTokenStore(db()).create({"pat", "pat-hash", "u1", odd, "admin-cli", 1, 0, 5000000000LL, 600,
                                                    0, {"node:x:rw"}}));
    ASSERT_TRUE(SqlDavLockStore(db()).update(0, [](std::vector<DavLock>& locks) {
      locks.push_back({"opaquelocktoken:1", "personal-files/a", true, false, "<D:owner/>", 600, 9999999999LL});
      return cells::ok();
    }));
    SqlNodeStore nodes(db());
    auto root = nodes.root("personal-files", "u1", 1);
    ASSERT_TRUE(root);
    root_uuid_ = root->uuid;
    // Enough rows for several INSERT batches (11 columns each).
    for (int i = 0; i < 250; ++i)
      ASSERT_TRUE(nodes.create({"n-" + std::to_string(i), "personal-files", "u1", root->uuid, "f" + std::to_string(i),
                                false, i, i, "e", "h", "blob-" + std::to_string(i)}));
    ASSERT_TRUE(nodes.change_properties("n-7", {{true, {"urn:x", "p", odd}}}));
    odd_ = odd;
  }

  std::unique_ptr<cells::testing::TestDatabase> target_;
  std::string root_uuid_, odd_;
};

long long rows_in(Database& db, const std::string& table) {
  return db.run([&](soci::session& sql) -> cells::Result<long long> {
             long long n = 0;
             sql << "SELECT COUNT(*) FROM " + table, soci::into(n);
             return n;
           })
      .value();
}

void execute(Database& db, const std::string& statement) {
  ASSERT_TRUE(db.run([&](soci::session& sql) -> cells::Status {
    sql << statement;
    return cells::ok();
  }));
}

const cells::admin::TableCheck& check_of(const std::vector<cells::admin::TableCheck>& checks, const std::string& t) {
  auto it = std::find_if(checks.begin(), checks.end(), [&](const auto& c) { return c.table == t; });
  if (it == checks.end()) throw std::runtime_error("no check for " + t);
  return *it;
}

}  // namespace

TEST_P(DbCopyFrom, CopiesEveryTableAndVerifies) {
  ASSERT_NO_FATAL_FAILURE(populate());
  std::map<std::string, long long> last_progress, totals;
  auto copied = copy_database(from(), to(), [&](const std::string& t, long long n, long long total) {
    EXPECT_GE(n, last_progress[t]) << "progress only grows";
    last_progress[t] = n;
    totals[t] = total;
  });
  ASSERT_TRUE(copied) << copied.error().message;
  for (const char* t : {"users", "clients", "signing_keys", "login_sessions", "auth_codes", "refresh_tokens",
                        "revoked_grants", "revoked_tokens", "login_failures", "nodes", "node_props", "workspaces",
                        "workspace_grants", "personal_tokens", "dav_locks"})
    EXPECT_NE(std::find(copied->begin(), copied->end(), t), copied->end()) << t;
  EXPECT_EQ(std::find(copied->begin(), copied->end(), "schema_migrations"), copied->end());
  EXPECT_EQ(last_progress["nodes"], 251);
  EXPECT_EQ(totals["nodes"], 251);

  auto checks = verify_copy(from(), to());
  ASSERT_TRUE(checks) << checks.error().message;
  EXPECT_EQ(checks->size(), copied->size());
  for (const auto& c : *checks) {
    EXPECT_TRUE(c.matches()) << c.table;
    EXPECT_EQ(c.source_sha256.size(), 64u);
  }
  EXPECT_EQ(check_of(*checks, "nodes").target_rows, 251);
  EXPECT_EQ(check_of(*checks, "users").target_rows, 2);

  // Read back through the stores on the other backend.
  auto alice = SqlUserStore(to_ptr()).find_by_login("ALICE");
  ASSERT_TRUE(alice && alice->has_value());
  EXPECT_EQ((*alice)->name, odd_);
  EXPECT_TRUE((*alice)->is_admin);
  EXPECT_EQ((*alice)->password_changed_at, 3);
  auto pat = SqlPersonalTokenStore(to_ptr()).find_by_hash("pat-hash");
  ASSERT_TRUE(pat && pat->has_value());
  EXPECT_EQ((*pat)->expires_at, 5000000000LL) << "BIGINT beyond 32 bits";
  EXPECT_EQ((*pat)->scopes, std::vector<std::string>{"node:x:rw"});
  EXPECT_EQ((*SqlClientStore(to_ptr()).find("app"))->grant_types, std::vector<std::string>{"client_credentials"});
  EXPECT_EQ(SqlNodeStore(to_ptr()).root("personal-files", "u1", 5)->uuid, root_uuid_) << "the same root, not a new one";
  EXPECT_EQ((*SqlNodeStore(to_ptr()).properties("n-7"))[0].value, odd_);
  EXPECT_EQ(SqlCodeStore(to_ptr()).redeem("code", 10)->outcome, Redemption::redeemed);
  EXPECT_TRUE(*SqlRevocationStore(to_ptr()).is_revoked("jti", ""));
  EXPECT_EQ(SqlDavLockStore(to_ptr()).active(10)->size(), 1u);
}

TEST_P(DbCopyFrom, RefusesATargetHoldingRowsAndTouchesNothing) {
  ASSERT_NO_FATAL_FAILURE(populate());
  ASSERT_TRUE(SqlWorkspaceStore(to_ptr()).create({"already-here", "x", 1}));
  auto copied = copy_database(from(), to(), [](const std::string&, long long, long long) {});
  ASSERT_FALSE(copied);
  EXPECT_EQ(copied.error().code, "not_empty");
  EXPECT_NE(copied.error().message.find("workspaces (1)"), std::string::npos) << copied.error().message;
  EXPECT_EQ(rows_in(to(), "users"), 0) << "nothing copied";
  EXPECT_EQ(rows_in(to(), "workspaces"), 1);
}

TEST_P(DbCopyFrom, ChecksumsNoticeOneChangedFieldAndOneMissingRow) {
  ASSERT_NO_FATAL_FAILURE(populate());
  ASSERT_TRUE(copy_database(from(), to(), [](const std::string&, long long, long long) {}));
  execute(to(), "UPDATE nodes SET size = size + 1 WHERE uuid = 'n-42'");
  execute(to(), "DELETE FROM revoked_tokens");
  auto checks = verify_copy(from(), to());
  ASSERT_TRUE(checks);
  const auto& nodes = check_of(*checks, "nodes");
  EXPECT_FALSE(nodes.matches());
  EXPECT_EQ(nodes.source_rows, nodes.target_rows) << "same count, different content";
  EXPECT_NE(nodes.source_sha256, nodes.target_sha256);
  const auto& revoked = check_of(*checks, "revoked_tokens");
  EXPECT_FALSE(revoked.matches());
  EXPECT_EQ(revoked.target_rows, 0);
  EXPECT_TRUE(check_of(*checks, "users").matches());
}

// Swapping two rows' values between columns changes no count and no set of values per column;
// the digest is per row, so it must still notice.
TEST_P(DbCopyFrom, ChecksumsAreOrderFreeButRowSensitive) {
  ASSERT_NO_FATAL_FAILURE(populate());
  ASSERT_TRUE(copy_database(from(), to(), [](const std::string&, long long, long long) {}));
  execute(to(), "UPDATE nodes SET blob = CASE uuid WHEN 'n-1' THEN 'blob-2' ELSE 'blob-1' END"
                " WHERE uuid IN ('n-1', 'n-2')");
  auto checks = verify_copy(from(), to());
  ASSERT_TRUE(checks);
  EXPECT_FALSE(check_of(*checks, "nodes").matches());
  execute(to(), "UPDATE nodes SET blob = CASE uuid WHEN 'n-1' THEN 'blob-1' ELSE 'blob-2' END"
                " WHERE uuid IN ('n-1', 'n-2')");
  EXPECT_TRUE(check_of(*verify_copy(from(), to()), "nodes").matches()) << "restored: equal again";
}

INSTANTIATE_TEST_SUITE_P(Backends, DbCopyFrom, ::testing::ValuesIn(cells::testing::kBackends),
                         cells::testing::backend_name);
