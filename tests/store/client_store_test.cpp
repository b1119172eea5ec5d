// SqlClientStore on both backends: every field round-trips (lists as JSON), ids are unique,
// removal also drops the client's pending codes and refresh tokens, and a corrupt row is an
// error rather than a client with silently missing redirect URIs.
#include <gtest/gtest.h>

#include "store/sql/sql_clients.h"
#include "store/sql/sql_oauth.h"
#include "support/test_database.h"

using namespace cells::store;

namespace {
class ClientStoreOn : public cells::testing::BackendTest {};

Client client(const std::string& id) {
  return {id, "argon-" + id, "App " + id, {"http://localhost:9999/cb", "https://app.example/cb?x=\"1\""},
          {"authorization_code", "refresh_token"}, false, "PS256", "ES256", 42};
}

AuthorizationCode code_for(const std::string& hash, const std::string& client_id) {
  return {hash, "grant-" + hash, client_id, "user", "http://localhost:9999/cb", "openid", "", "", "sid", 1, 1000};
}

RefreshToken refresh_for(const std::string& hash, const std::string& client_id) {
  return {hash, "grant-" + hash, client_id, "user", "openid", "sid", 1, 1, 100000};
}
}  // namespace

TEST_P(ClientStoreOn, RoundTripsEveryField) {
  SqlClientStore clients(db());
  auto pub = client("spa");
  pub.is_public = true;
  pub.secret_hash = "";
  pub.grant_types = {};
  ASSERT_TRUE(clients.create(client("backend")));
  ASSERT_TRUE(clients.create(pub));

  auto c = *clients.find("backend");
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->secret_hash, "argon-backend");
  EXPECT_EQ(c->name, "App backend");
  EXPECT_EQ(c->redirect_uris, client("x").redirect_uris);
  EXPECT_EQ(c->grant_types, (std::vector<std::string>{"authorization_code", "refresh_token"}));
  EXPECT_FALSE(c->is_public);
  EXPECT_EQ(c->access_token_alg, "PS256");
  EXPECT_EQ(c->id_token_alg, "ES256");
  EXPECT_EQ(c->created_at, 42);

  auto p = *clients.find("spa");
  ASSERT_TRUE(p.has_value());
  EXPECT_TRUE(p->is_public);
  EXPECT_TRUE(p->grant_types.empty());
  EXPECT_FALSE(clients.find("nope")->has_value());

  auto list = clients.list();
  ASSERT_TRUE(list);
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].id, "backend");
  EXPECT_EQ((*list)[1].id, "spa");
}

TEST_P(ClientStoreOn, IdsAreUnique) {
  SqlClientStore clients(db());
  ASSERT_TRUE(clients.create(client("dup")));
  auto other = client("dup");
  other.name = "Impostor";
  auto st = clients.create(other);
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().code, "conflict");
  EXPECT_EQ((*clients.find("dup"))->name, "App dup") << "the first one stays";
}

TEST_P(ClientStoreOn, RemoveDropsOnlyThatClientsCodesAndRefreshTokens) {
  SqlClientStore clients(db());
  SqlCodeStore codes(db());
  SqlRefreshTokenStore refresh(db());
  ASSERT_TRUE(clients.create(client("gone")));
  ASSERT_TRUE(clients.create(client("kept")));
  ASSERT_TRUE(codes.save(code_for("c-gone", "gone")));
  ASSERT_TRUE(codes.save(code_for("c-kept", "kept")));
  ASSERT_TRUE(refresh.save(refresh_for("r-gone", "gone")));
  ASSERT_TRUE(refresh.save(refresh_for("r-kept", "kept")));

  ASSERT_TRUE(clients.remove("gone"));
  EXPECT_FALSE(clients.find("gone")->has_value());
  EXPECT_EQ(codes.redeem("c-gone", 10)->outcome, Redemption::unknown);
  EXPECT_FALSE(refresh.find("r-gone", 10)->has_value());
  EXPECT_EQ(codes.redeem("c-kept", 10)->outcome, Redemption::redeemed);
  EXPECT_TRUE(refresh.find("r-kept", 10)->has_value());

  auto again = clients.remove("gone");
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, "not_found");
  ASSERT_TRUE(clients.create(client("gone"))) << "the id can be registered again";
}

TEST_P(ClientStoreOn, CorruptListColumnIsAnErrorNotAnEmptyList) {
  SqlClientStore clients(db());
  ASSERT_TRUE(clients.create(client("bad")));
  ASSERT_TRUE(db()->run([](soci::session& sql) -> cells::Status {
    std::string not_all_strings = "[\"ok\", 7]";
    sql << "UPDATE clients SET redirect_uris = :v WHERE id = 'bad'", soci::use(not_all_strings);
    return cells::ok();
  }));
  auto found = clients.find("bad");
  ASSERT_FALSE(found);
  EXPECT_EQ(found.error().code, "unavailable");
  EXPECT_FALSE(clients.list());
}

INSTANTIATE_TEST_SUITE_P(Backends, ClientStoreOn, ::testing::ValuesIn(cells::testing::kBackends),
                         cells::testing::backend_name);
