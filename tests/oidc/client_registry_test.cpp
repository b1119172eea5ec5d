// The client registry on a real SQLite database, and client authentication on hand-built
// requests.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "crypto/hash.h"
#include "oidc/clients/client_auth.h"
#include "oidc/clients/default_clients.h"
#include "oidc/clients/registry.h"
#include "store/sql/sql_clients.h"

using namespace cells;
using oidc::NewClient;

namespace {
class Registry : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = std::filesystem::temp_directory_path() / ("cells-clients-" + std::to_string(::getpid()) + ".db");
    db_ = store::Database::open("sqlite:" + path_, 2).value();
    store_ = std::make_unique<store::SqlClientStore>(db_);
    registry_ = std::make_unique<oidc::ClientRegistry>(*store_, oidc::default_clients("http://127.0.0.1:8080"));
  }
  void TearDown() override {
    registry_.reset();
    store_.reset();
    db_.reset();
    for (auto s : {"", "-wal", "-shm"}) std::filesystem::remove(path_ + s);
  }
  NewClient valid() { return {"app-1", "a-long-enough-secret", "App", {"https://app.example.com/cb"}, {}}; }

  std::string path_;
  std::shared_ptr<store::Database> db_;
  std::unique_ptr<store::SqlClientStore> store_;
  std::unique_ptr<oidc::ClientRegistry> registry_;
};

http::Request post(std::vector<std::pair<std::string, std::string>> headers = {}) {
  http::Request r;
  r.method = "POST";
  r.headers = std::move(headers);
  return r;
}
std::string basic(const std::string& user, const std::string& pw) {
  return "Basic " + crypto::base64_encode(user + ":" + pw);
}
}  // namespace

TEST_F(Registry, CreatesFindsListsDeletes) {
  auto c = registry_->create_confidential(valid());
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_FALSE(c->is_public);
  EXPECT_NE(c->secret_hash, "a-long-enough-secret");
  EXPECT_EQ(c->grant_types, (std::vector<std::string>{"authorization_code", "refresh_token"}));
  auto found = registry_->find("app-1");
  ASSERT_TRUE(found && found->has_value());
  EXPECT_EQ((*found)->redirect_uris, (std::vector<std::string>{"https://app.example.com/cb"}));
  EXPECT_EQ(registry_->list()->size(), 4u);
  EXPECT_EQ(registry_->create_confidential(valid()).error().code, "conflict");
  ASSERT_TRUE(registry_->remove("app-1"));
  EXPECT_FALSE(registry_->find("app-1")->has_value());
  EXPECT_EQ(registry_->remove("app-1").error().code, "not_found");
}

TEST_F(Registry, BuiltInClientsAreImmutable) {
  auto n = valid();
  n.id = "cells-sync";
  EXPECT_EQ(registry_->create_confidential(n).error().code, "conflict");
  EXPECT_EQ(registry_->remove("cells-client").error().code, "forbidden");
  EXPECT_TRUE(registry_->find("cells-mobile")->has_value());
}

TEST_F(Registry, ValidationRules) {
  auto bad = [&](auto mutate) {
    auto n = valid();
    mutate(n);
    auto r = registry_->create_confidential(n);
    return !r && r.error().code == "invalid_input";
  };
  EXPECT_TRUE(bad([](NewClient& n) { n.id = ""; }));
  EXPECT_TRUE(bad([](NewClient& n) { n.id = "has space"; }));
  EXPECT_TRUE(bad([](NewClient& n) { n.id = std::string(129, 'a'); }));
  EXPECT_TRUE(bad([](NewClient& n) { n.secret = "short"; }));
  EXPECT_TRUE(bad([](NewClient& n) { n.redirect_uris = {}; }));
  EXPECT_TRUE(bad([](NewClient& n) { n.redirect_uris = {"/relative"}; }));
  EXPECT_TRUE(bad([](NewClient& n) { n.redirect_uris = {"https://a.example/cb#frag"}; }));
  EXPECT_TRUE(bad([](NewClient& n) { n.redirect_uris = {"http://app.example.com/cb"}; }));
  EXPECT_TRUE(bad([](NewClient& n) { n.redirect_uris = {"http://localhost:[1-2]/cb"}; }));
  EXPECT_TRUE(bad([](NewClient& n) { n.grant_types = {"password"}; }));
  auto ok = valid();
  ok.redirect_uris = {};
  ok.grant_types = {"client_credentials"};
  EXPECT_TRUE(registry_->create_confidential(ok)) << "client_credentials needs no redirect URI";
  auto local = valid();
  local.id = "local";
  local.redirect_uris = {"http://127.0.0.1:9000/cb"};
  EXPECT_TRUE(registry_->create_confidential(local));
}

TEST_F(Registry, ClientAuthentication) {
  ASSERT_TRUE(registry_->create_confidential(valid()));
  auto form = [](const char* body) { return http::Form::parse(body).value(); };
  auto auth = [&](http::Request r, const char* body) { return oidc::authenticate_client(*registry_, r, form(body)); };

  EXPECT_TRUE(auth(post({{"Authorization", basic("app-1", "a-long-enough-secret")}}), ""));
  EXPECT_TRUE(auth(post(), "client_id=app-1&client_secret=a-long-enough-secret"));
  EXPECT_EQ(auth(post({{"Authorization", basic("app-1", "wrong-secret-value")}}), "").error().code, "invalid_client");
  EXPECT_EQ(auth(post(), "client_id=app-1").error().code, "invalid_client") << "confidential needs its secret";
  EXPECT_EQ(auth(post(), "client_id=nobody&client_secret=whatever-secret").error().code, "invalid_client");
  EXPECT_EQ(auth(post(), "").error().code, "invalid_client");
  EXPECT_EQ(auth(post({{"Authorization", basic("app-1", "a-long-enough-secret")}}),
                 "client_secret=a-long-enough-secret")
                .error()
                .code,
            "invalid_request")
      << "two methods at once";
  EXPECT_EQ(auth(post({{"Authorization", basic("app-1", "a-long-enough-secret")}}), "client_id=other").error().code,
            "invalid_request");
  EXPECT_TRUE(auth(post(), "client_id=cells-client")) << "public client: id alone";
  EXPECT_EQ(auth(post(), "client_id=cells-client&client_secret=x").error().code, "invalid_client");
  EXPECT_TRUE(oidc::used_basic(post({{"authorization", "basic abc"}})));
}
