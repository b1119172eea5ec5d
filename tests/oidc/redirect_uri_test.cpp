#include "oidc/clients/redirect_uri.h"

#include <gtest/gtest.h>

#include "oidc/clients/default_clients.h"

using cells::oidc::client_allows_redirect;
using cells::oidc::default_clients;
using cells::oidc::redirect_uri_matches;

TEST(RedirectUri, ExactMatchOnly) {
  const char* reg = "https://app.example.com/cb";
  EXPECT_TRUE(redirect_uri_matches(reg, "https://app.example.com/cb"));
  for (const char* other : {"https://app.example.com/cb/", "https://APP.example.com/cb", "https://app.example.com/cb?x=1",
                            "https://app.example.com/cb#f", "http://app.example.com/cb", "https://app.example.com/c"})
    EXPECT_FALSE(redirect_uri_matches(reg, other)) << other;
}

TEST(RedirectUri, PortRangeMatchesEachPortAndNothingElse) {
  const char* reg = "http://localhost:[3636-3666]/servers/callback";
  for (int port = 3636; port <= 3666; ++port)
    EXPECT_TRUE(redirect_uri_matches(reg, "http://localhost:" + std::to_string(port) + "/servers/callback")) << port;
  for (const char* bad : {"http://localhost:3635/servers/callback", "http://localhost:3667/servers/callback",
                          "http://localhost:03636/servers/callback", "http://localhost:+3636/servers/callback",
                          "http://localhost:/servers/callback", "http://localhost/servers/callback",
                          "http://localhost:3636/servers/callback/", "http://localhost:3636/servers/callback?x",
                          "http://LOCALHOST:3636/servers/callback", "http://localhost:3636/servers/callbackx",
                          "http://localhost:36366/servers/callback", "http://localhost:[3636-3666]/servers/callback"})
    EXPECT_FALSE(redirect_uri_matches(reg, bad)) << bad;
}

TEST(RedirectUri, PortRangeWithoutPath) {
  const char* reg = "http://localhost:[3636-3666]";
  EXPECT_TRUE(redirect_uri_matches(reg, "http://localhost:3650"));
  EXPECT_FALSE(redirect_uri_matches(reg, "http://localhost:3650/"));
  EXPECT_FALSE(redirect_uri_matches(reg, "http://localhost:3650/x"));
}

TEST(DefaultClients, ExactlyTheReferenceUris) {
  auto clients = default_clients("https://cells.example.com:8443");
  ASSERT_EQ(clients.size(), 3u);
  auto find = [&](const std::string& id) {
    for (auto& c : clients)
      if (c.id == id) return c;
    throw std::runtime_error("missing " + id);
  };
  auto sync = find("cells-sync"), mobile = find("cells-mobile"), client = find("cells-client");
  for (auto* c : {&sync, &mobile, &client}) {
    EXPECT_TRUE(c->is_public);
    EXPECT_TRUE(c->secret_hash.empty());
  }
  EXPECT_TRUE(client_allows_redirect(sync, "http://localhost:3640"));
  EXPECT_TRUE(client_allows_redirect(sync, "http://localhost:3000"));
  EXPECT_TRUE(client_allows_redirect(sync, "http://localhost:3000/servers/callback"));
  EXPECT_TRUE(client_allows_redirect(sync, "http://localhost:3666/servers/callback"));
  EXPECT_FALSE(client_allows_redirect(sync, "http://localhost:3001"));
  EXPECT_TRUE(client_allows_redirect(mobile, "cellsauth://cells.example.com:8443"));
  EXPECT_TRUE(client_allows_redirect(mobile, "cellsauth://callback"));
  EXPECT_FALSE(client_allows_redirect(mobile, "cellsauth://evil.example.com"));
  EXPECT_TRUE(client_allows_redirect(client, "http://localhost:3636"));
  EXPECT_FALSE(client_allows_redirect(client, "http://localhost:3637")) << "cells-client has the plain port only";
  EXPECT_TRUE(client_allows_redirect(client, "https://cells.example.com:8443/oauth/oob"));
  EXPECT_TRUE(client_allows_redirect(client, "https://cells.example.com:8443/oauth2/oob"));
  EXPECT_TRUE(client_allows_redirect(client, "http://localhost:3650/servers/callback"));
  EXPECT_FALSE(client_allows_redirect(client, "http://cells.example.com:8443/oauth/oob")) << "scheme follows the site";
}
