#include "identity/lockout.h"

#include <gtest/gtest.h>

using cells::identity::Lockout;

TEST(Lockout, FreeFailuresThenGrowingDelayThenLock) {
  Lockout l;
  const std::int64_t t = 1000;
  for (int i = 0; i < Lockout::kFreeFailures; ++i) {
    EXPECT_EQ(l.wait_seconds("bob", "1.2.3.4", t), 0);
    l.record_failure("bob", "1.2.3.4", t);
  }
  EXPECT_EQ(l.wait_seconds("bob", "1.2.3.4", t), 0);
  l.record_failure("bob", "1.2.3.4", t);  // 6th
  EXPECT_EQ(l.wait_seconds("bob", "1.2.3.4", t), 1);
  l.record_failure("bob", "1.2.3.4", t);  // 7th
  EXPECT_EQ(l.wait_seconds("bob", "1.2.3.4", t), 2);
  for (int i = 7; i < Lockout::kLockFailures; ++i) l.record_failure("bob", "1.2.3.4", t);
  EXPECT_EQ(l.wait_seconds("bob", "9.9.9.9", t), Lockout::kLockSeconds);
  EXPECT_EQ(l.wait_seconds("alice", "9.9.9.9", t), 0) << "other accounts are not affected";
  l.unlock("bob");
  EXPECT_EQ(l.wait_seconds("bob", "9.9.9.9", t), 0);
}

TEST(Lockout, SuccessClearsAccount) {
  Lockout l;
  for (int i = 0; i < 7; ++i) l.record_failure("bob", "a", 0);
  l.record_success("bob");
  EXPECT_EQ(l.wait_seconds("bob", "b", 0), 0);
}

TEST(Lockout, AddressLockedAcrossAccounts) {
  Lockout l;
  for (int i = 0; i < Lockout::kAddressLockFailures; ++i) l.record_failure("user" + std::to_string(i), "6.6.6.6", 0);
  EXPECT_GT(l.wait_seconds("fresh", "6.6.6.6", 0), 0);
  EXPECT_EQ(l.wait_seconds("fresh", "7.7.7.7", 0), 0);
}
