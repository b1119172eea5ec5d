#include "identity/lockout.h"

#include <gtest/gtest.h>

#include <thread>

#include "store/sql/sql_login_failures.h"
#include "support/test_database.h"

using cells::identity::Lockout;

// On both backends, since the counts live in the database.
class LockoutOn : public cells::testing::BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    if (IsSkipped()) return;
    store_ = std::make_unique<cells::store::SqlLoginFailureStore>(db());
    lockout_ = std::make_unique<Lockout>(*store_);
  }
  Lockout& l() { return *lockout_; }
  std::unique_ptr<cells::store::SqlLoginFailureStore> store_;
  std::unique_ptr<Lockout> lockout_;
};

TEST_P(LockoutOn, FreeFailuresThenGrowingDelayThenLock) {
  const std::int64_t t = 1000;
  for (int i = 0; i < Lockout::kFreeFailures; ++i) {
    EXPECT_EQ(*l().wait_seconds("bob", "1.2.3.4", t), 0);
    (void)l().record_failure("bob", "1.2.3.4", t);
  }
  EXPECT_EQ(*l().wait_seconds("bob", "1.2.3.4", t), 0);
  (void)l().record_failure("bob", "1.2.3.4", t);  // 6th
  EXPECT_EQ(*l().wait_seconds("bob", "1.2.3.4", t), 1);
  (void)l().record_failure("bob", "1.2.3.4", t);  // 7th
  EXPECT_EQ(*l().wait_seconds("bob", "1.2.3.4", t), 2);
  for (int i = 7; i < Lockout::kLockFailures; ++i) (void)l().record_failure("bob", "1.2.3.4", t);
  EXPECT_EQ(*l().wait_seconds("bob", "9.9.9.9", t), Lockout::kLockSeconds);
  EXPECT_EQ(*l().wait_seconds("alice", "9.9.9.9", t), 0) << "other accounts are not affected";
  (void)l().unlock("bob");
  EXPECT_EQ(*l().wait_seconds("bob", "9.9.9.9", t), 0);
}

TEST_P(LockoutOn, SuccessClearsAccount) {
  for (int i = 0; i < 7; ++i) (void)l().record_failure("bob", "a", 0);
  (void)l().record_success("bob");
  EXPECT_EQ(*l().wait_seconds("bob", "b", 0), 0);
}

TEST_P(LockoutOn, AddressLockedAcrossAccounts) {
  for (int i = 0; i < Lockout::kAddressLockFailures; ++i) (void)l().record_failure("user" + std::to_string(i), "6.6.6.6", 0);
  EXPECT_GT(*l().wait_seconds("fresh", "6.6.6.6", 0), 0);
  EXPECT_EQ(*l().wait_seconds("fresh", "7.7.7.7", 0), 0);
}

// Failures through two nodes add up as they would on one; concurrent failures are all counted.
TEST_P(LockoutOn, CountsAddUpAcrossNodes) {
  cells::store::SqlLoginFailureStore other_store(database().open_again());
  Lockout other(other_store);
  std::vector<std::thread> threads;
  for (int i = 0; i < Lockout::kLockFailures; ++i)
    threads.emplace_back([&, i] { ASSERT_TRUE((i % 2 ? other : l()).record_failure("eve", "1.1.1.1", 1000)); });
  for (auto& t : threads) t.join();
  EXPECT_EQ(*l().wait_seconds("eve", "2.2.2.2", 1000), Lockout::kLockSeconds);
  EXPECT_EQ(*other.wait_seconds("eve", "2.2.2.2", 1000), Lockout::kLockSeconds);
  ASSERT_TRUE(other.unlock("eve"));
  EXPECT_EQ(*l().wait_seconds("eve", "2.2.2.2", 1000), 0);
}

TEST_P(LockoutOn, PurgeKeepsWhatStillBlocks) {
  for (int i = 0; i < Lockout::kLockFailures; ++i) ASSERT_TRUE(l().record_failure("old", "3.3.3.3", 1000));
  ASSERT_TRUE(l().record_failure("recent", "4.4.4.4", 1000 + 2 * 86400 - 10));
  ASSERT_TRUE(l().purge(1000 + 2 * 86400));
  EXPECT_EQ(*l().wait_seconds("old", "x", 1000), 0) << "expired lock forgotten";
  ASSERT_TRUE(l().record_failure("old", "x", 1000 + 2 * 86400));
  EXPECT_EQ(*l().wait_seconds("old", "x", 1000 + 2 * 86400), 0) << "count restarted from zero";
}

INSTANTIATE_TEST_SUITE_P(Backends, LockoutOn, ::testing::ValuesIn(cells::testing::kBackends),
                         cells::testing::backend_name);
