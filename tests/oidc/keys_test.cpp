// The key ring notices keys rotated by another node: through an unknown kid, at most once a
// second, and not spending that allowance on an I/O-thread attempt that may not read the database.
#include "oidc/keys.h"

#include <gtest/gtest.h>

#include "core/memory_only.h"
#include "store/sql/sql_oauth.h"
#include "support/test_database.h"

using namespace cells;

TEST(KeyRing, UnknownKidReloadsEvenAfterAMemoryOnlyAttempt) {
  cells::testing::TestDatabase t(store::Backend::sqlite);
  store::SqlSigningKeyStore store_a(t.db), store_b(t.open_again());
  oidc::KeyRing node_a(store_a), node_b(store_b);
  ASSERT_TRUE(node_a.load());
  ASSERT_TRUE(node_b.load());
  ASSERT_TRUE(node_b.rotate());  // node_a has no feed here: it only learns through the kid
  auto kid = node_b.snapshot()->signing(crypto::Alg::ES256).kid();
  ASSERT_EQ(node_a.snapshot()->find(kid), nullptr);
  {
    MemoryOnly attempt;
    EXPECT_EQ(node_a.refreshed_for(kid)->find(kid), nullptr);
    EXPECT_TRUE(attempt.refused()) << "a reload needs the database: the attempt must move to a worker";
  }
  EXPECT_NE(node_a.refreshed_for(kid)->find(kid), nullptr) << "the worker's retry reloads";
}
