#include "http/form.h"

#include <gtest/gtest.h>

using namespace cells::http;

TEST(Form, DecodesPercentAndPlus) {
  auto f = Form::parse("a=hello+world&b=%C3%A9t%C3%A9&c=x%2By");
  ASSERT_TRUE(f);
  EXPECT_EQ(f->get("a"), "hello world");
  EXPECT_EQ(f->get("b"), "\xC3\xA9t\xC3\xA9");
  EXPECT_EQ(f->get("c"), "x+y");
}

TEST(Form, EmptyValuesCountAsAbsent) {
  auto f = Form::parse("a=&b&c=1");
  ASSERT_TRUE(f);
  EXPECT_FALSE(f->get("a"));
  EXPECT_FALSE(f->get("b"));
  EXPECT_EQ(f->get("c"), "1");
}

TEST(Form, RemembersRepeatedKeys) {
  auto f = Form::parse("scope=a&scope=b&x=1");
  ASSERT_TRUE(f);
  EXPECT_TRUE(f->repeated("scope"));
  EXPECT_FALSE(f->repeated("x"));
  EXPECT_EQ(f->first_repeated({"x", "scope"}), "scope");
}

TEST(Form, RejectsBadEncodingAndUtf8) {
  for (const char* bad : {"a=%", "a=%4", "a=%zz", "a=%ff", "a=%C3", "a=%C0%AF", "a=%ED%A0%80", "%ff=1"})
    EXPECT_FALSE(Form::parse(bad)) << bad;
}

TEST(Form, BoundsFieldCount) {
  std::string many;
  for (int i = 0; i < 65; ++i) many += "k" + std::to_string(i) + "=v&";
  EXPECT_FALSE(Form::parse(many));
  EXPECT_TRUE(Form::parse(many, 100));
}

TEST(Form, Utf8Validation) {
  EXPECT_TRUE(valid_utf8("plain"));
  EXPECT_TRUE(valid_utf8("\xF0\x9F\x98\x80"));
  EXPECT_FALSE(valid_utf8("\xF0\x9F\x98"));
  EXPECT_FALSE(valid_utf8("\xF4\x90\x80\x80"));  // past U+10FFFF
  EXPECT_FALSE(valid_utf8("\x80"));
}

TEST(Form, PercentEncodeRoundTrip) {
  std::string s = "a b&c=d/é~";
  EXPECT_EQ(percent_decode(percent_encode(s), false), s);
  EXPECT_EQ(percent_encode("a b"), "a%20b");
}

TEST(Credentials, BasicAndBearer) {
  Request r;
  r.headers = {{"authorization", "Basic dXNlciUzQTE6cCUyNTI="}};  // "user%3A1:p%252"
  auto c = basic_credentials(r, true);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->user, "user:1");
  EXPECT_EQ(c->password, "p%2");
  auto raw = basic_credentials(r, false);
  ASSERT_TRUE(raw);
  EXPECT_EQ(raw->user, "user%3A1");
  r.headers = {{"Authorization", "Bearer abc.def"}};
  EXPECT_EQ(bearer_token(r), "abc.def");
  EXPECT_FALSE(basic_credentials(r, true));
  r.headers = {{"Authorization", "Bearer a"}, {"Authorization", "Bearer b"}};
  EXPECT_FALSE(bearer_token(r)) << "two credentials are ambiguous";
  r.headers = {{"Authorization", "Basic !!!"}};
  EXPECT_FALSE(basic_credentials(r, false));
}

TEST(Cookies, FindsByExactName) {
  Request r;
  r.headers = {{"Cookie", "a_b=1; cells_session=xyz; other=2"}};
  EXPECT_EQ(cookie(r, "cells_session"), "xyz");
  EXPECT_FALSE(cookie(r, "session"));
}
