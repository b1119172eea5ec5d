#include "core/config.h"

#include <gtest/gtest.h>

using cells::Config;

TEST(Config, DefaultSiteUrlFollowsBind) {
  Config c;
  c.bind = "127.0.0.1:9090";
  ASSERT_TRUE(cells::validate(c));
  EXPECT_EQ(c.site_url, "http://127.0.0.1:9090");
  EXPECT_EQ(c.issuer(), "http://127.0.0.1:9090/oidc");
  EXPECT_EQ(c.port, 9090);
}

TEST(Config, TrailingSlashDropped) {
  Config c;
  c.site_url = "https://cells.example.com/";
  ASSERT_TRUE(cells::validate(c));
  EXPECT_EQ(c.issuer(), "https://cells.example.com/oidc");
  EXPECT_TRUE(c.site_is_https());
}

TEST(Config, RejectsBadInput) {
  for (const char* bind : {"8080", "host:", "host:99999", "host:80x", ":80"}) {
    Config c;
    c.bind = bind;
    EXPECT_FALSE(cells::validate(c)) << bind;
  }
  for (const char* url : {"ftp://x", "cells.example.com", "https://x/?a=b", "https://x/#f", "http://"}) {
    Config c;
    c.site_url = url;
    EXPECT_FALSE(cells::validate(c)) << url;
  }
  Config c;
  c.tls_cert = "cert.pem";
  EXPECT_FALSE(cells::validate(c));
}
