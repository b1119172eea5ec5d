#include "http/forwarded.h"

#include <gtest/gtest.h>

using cells::http::client_address;

TEST(Forwarded, OnlyTrustedPeersAreBelieved) {
  std::vector<std::string> trusted = {"10.0.0.5", "10.0.0.6"};
  EXPECT_EQ(client_address("10.0.0.5", "203.0.113.7", trusted), "203.0.113.7");
  EXPECT_EQ(client_address("198.51.100.1", "203.0.113.7", trusted), "198.51.100.1") << "untrusted peer";
  EXPECT_EQ(client_address("10.0.0.5", std::nullopt, trusted), "10.0.0.5");
  EXPECT_EQ(client_address("10.0.0.5", "203.0.113.7", {}), "10.0.0.5") << "nothing trusted by default";
}

TEST(Forwarded, RightmostUntrustedHopWins) {
  std::vector<std::string> trusted = {"10.0.0.5", "10.0.0.6"};
  // A client may prepend anything; only what our proxies appended counts.
  EXPECT_EQ(client_address("10.0.0.5", "1.1.1.1, 203.0.113.7, 10.0.0.6", trusted), "203.0.113.7");
  EXPECT_EQ(client_address("10.0.0.5", " 2001:db8::1 ", trusted), "2001:db8::1");
  EXPECT_EQ(client_address("10.0.0.5", "10.0.0.6", trusted), "10.0.0.5") << "only proxies: the peer";
}

TEST(Forwarded, GarbageFallsBackToThePeer) {
  std::vector<std::string> trusted = {"10.0.0.5"};
  for (const char* bad : {"", "not-an-ip", "203.0.113.7, ", "203.0.113.7;rm", "unknown"})
    EXPECT_EQ(client_address("10.0.0.5", bad, trusted), "10.0.0.5") << bad;
}
