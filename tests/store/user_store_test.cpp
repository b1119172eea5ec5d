// SqlUserStore on both backends: logins unique case-insensitively (also when two nodes race),
// password changes, removal (which ends the user's sessions) and counting.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "store/sql/sql_oauth.h"
#include "store/sql/sql_users.h"
#include "support/test_database.h"

using namespace cells::store;

namespace {
class UserStoreOn : public cells::testing::BackendTest {};

User user(const std::string& id, const std::string& login) {
  return {id, login, "Name " + login, login + "@example.org", "hash-" + id, false, 10, 11, 12};
}
}  // namespace

TEST_P(UserStoreOn, LoginsAreUniqueCaseInsensitively) {
  SqlUserStore users(db());
  ASSERT_TRUE(users.create(user("u1", "Alice")));
  auto again = users.create(user("u2", "aLICE"));
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, "conflict");
  EXPECT_FALSE(users.find_by_id("u2")->has_value()) << "nothing stored on conflict";
  EXPECT_EQ(*users.count(), 1);

  auto found = users.find_by_login("ALICE");
  ASSERT_TRUE(found && found->has_value());
  EXPECT_EQ((*found)->id, "u1");
  EXPECT_EQ((*found)->login, "Alice") << "the login keeps the case it was created with";
  EXPECT_FALSE(users.find_by_login("alice2")->has_value());
}

TEST_P(UserStoreOn, StoresEveryFieldAndListsByLogin) {
  SqlUserStore users(db());
  auto admin = user("u-admin", "zed");
  admin.is_admin = true;
  ASSERT_TRUE(users.create(admin));
  ASSERT_TRUE(users.create(user("u-b", "Bob")));
  ASSERT_TRUE(users.create(user("u-a", "alice")));

  auto z = *users.find_by_id("u-admin");
  ASSERT_TRUE(z.has_value());
  EXPECT_EQ(z->name, "Name zed");
  EXPECT_EQ(z->email, "zed@example.org");
  EXPECT_EQ(z->password_hash, "hash-u-admin");
  EXPECT_TRUE(z->is_admin);
  EXPECT_EQ(z->created_at, 10);
  EXPECT_EQ(z->updated_at, 11);
  EXPECT_EQ(z->password_changed_at, 12);
  EXPECT_FALSE((*users.find_by_id("u-b"))->is_admin);

  auto list = users.list();
  ASSERT_TRUE(list);
  ASSERT_EQ(list->size(), 3u);
  EXPECT_EQ((*list)[0].login, "alice");
  EXPECT_EQ((*list)[1].login, "Bob") << "ordered case-insensitively";
  EXPECT_EQ((*list)[2].login, "zed");
}

TEST_P(UserStoreOn, SetPasswordStampsTheChange) {
  SqlUserStore users(db());
  ASSERT_TRUE(users.create(user("u1", "carol")));
  ASSERT_TRUE(users.set_password("u1", "new-hash", 500));
  auto u = *users.find_by_id("u1");
  EXPECT_EQ(u->password_hash, "new-hash");
  EXPECT_EQ(u->updated_at, 500);
  EXPECT_EQ(u->password_changed_at, 500);
  EXPECT_EQ(u->created_at, 10);
  auto missing = users.set_password("nobody", "h", 500);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, "not_found");
}

TEST_P(UserStoreOn, RemoveEndsTheUsersSessionsAndFreesTheLogin) {
  SqlUserStore users(db());
  SqlSessionStore sessions(db());
  ASSERT_TRUE(users.create(user("u1", "dave")));
  ASSERT_TRUE(users.create(user("u2", "erin")));
  ASSERT_TRUE(sessions.create({"s-dave", "sid-dave", "u1", 1, 1000}));
  ASSERT_TRUE(sessions.create({"s-erin", "sid-erin", "u2", 1, 1000}));

  ASSERT_TRUE(users.remove("u1"));
  EXPECT_FALSE(users.find_by_id("u1")->has_value());
  EXPECT_FALSE(users.find_by_login("dave")->has_value());
  EXPECT_FALSE(sessions.find("s-dave", 10)->has_value()) << "a deleted user's browser sessions end";
  EXPECT_TRUE(sessions.find("s-erin", 10)->has_value()) << "other users keep theirs";
  EXPECT_EQ(*users.count(), 1);

  auto again = users.remove("u1");
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, "not_found");
  EXPECT_TRUE(users.create(user("u3", "Dave"))) << "the login is free again";
}

// Two nodes creating the same login (in different cases) at once: exactly one succeeds, the
// others get "conflict" (a 409), never "unavailable" and never two accounts.
TEST_P(UserStoreOn, ConcurrentCreationAcrossTwoNodesHasOneWinner) {
  SqlUserStore node_a(db()), node_b(database().open_again());
  for (int round = 0; round < 20; ++round) {
    std::string login = "race" + std::to_string(round);
    std::atomic<int> created{0}, conflicts{0};
    std::vector<std::thread> threads;
    for (int i = 0; i < 4; ++i)
      threads.emplace_back([&, i] {
        auto variant = i % 2 ? login : "RACE" + std::to_string(round);
        auto st = (i % 2 ? node_b : node_a).create(user(login + "-" + std::to_string(i), variant));
        if (st) ++created;
        else if (st.error().code == "conflict") ++conflicts;
      });
    for (auto& t : threads) t.join();
    EXPECT_EQ(created.load(), 1) << login;
    EXPECT_EQ(conflicts.load(), 3) << login;
  }
  EXPECT_EQ(*node_a.count(), 20);
}

INSTANTIATE_TEST_SUITE_P(Backends, UserStoreOn, ::testing::ValuesIn(cells::testing::kBackends),
                         cells::testing::backend_name);
