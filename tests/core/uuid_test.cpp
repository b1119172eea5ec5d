// Version-4 UUIDs drawn from per-thread pools of kernel randomness: well formed, and never
// repeated within a thread (across pool refills) or between threads.
#include "core/uuid.h"

#include <gtest/gtest.h>

#include <set>
#include <thread>
#include <vector>

namespace {

TEST(Uuid, IsCanonicalVersion4Text) {
  for (int i = 0; i < 200; ++i) {
    const std::string u = cells::new_uuid();
    ASSERT_TRUE(cells::is_uuid(u)) << u;
    EXPECT_EQ(u[14], '4') << u;
    EXPECT_NE(std::string("89ab").find(u[19]), std::string::npos) << u;
    for (char c : u) EXPECT_FALSE(c >= 'A' && c <= 'F') << u;
  }
}

TEST(Uuid, NeverRepeatsAcrossRefillsAndThreads) {
  constexpr int kThreads = 4, kEach = 500;  // 500 UUIDs span several 1 KiB pools per thread
  std::vector<std::vector<std::string>> made(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&made, t] {
      for (int i = 0; i < kEach; ++i) made[t].push_back(cells::new_uuid());
    });
  for (auto& th : threads) th.join();
  std::set<std::string> all;
  for (const auto& v : made) all.insert(v.begin(), v.end());
  EXPECT_EQ(all.size(), static_cast<std::size_t>(kThreads * kEach));
}

TEST(Uuid, RecognizesOnlyTheCanonicalForm) {
  EXPECT_TRUE(cells::is_uuid("0f8fad5b-d9cb-469f-a165-70867728950e"));
  EXPECT_FALSE(cells::is_uuid("0f8fad5bd9cb469fa16570867728950e"));
  EXPECT_FALSE(cells::is_uuid("0f8fad5b-d9cb-469f-a165-70867728950"));
  EXPECT_FALSE(cells::is_uuid("0f8fad5b-d9cb-469f-a165-70867728950g"));
}

}  // namespace
