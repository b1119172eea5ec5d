#include "crypto/hash.h"

#include <gtest/gtest.h>

#include <set>
#include <utility>
#include <vector>

namespace cells::crypto {
namespace {

// RFC 4648 §10, in both alphabets (the vectors use no characters where the alphabets differ).
const std::vector<std::pair<std::string, std::string>> kRfc4648 = {
    {"", ""},          {"f", "Zg=="},         {"fo", "Zm8="},        {"foo", "Zm9v"},
    {"foob", "Zm9vYg=="}, {"fooba", "Zm9vYmE="}, {"foobar", "Zm9vYmFy"},
};

std::string without_padding(std::string s) {
  while (!s.empty() && s.back() == '=') s.pop_back();
  return s;
}

TEST(Base64Url, EncodesRfc4648VectorsWithoutPadding) {
  for (const auto& [bytes, text] : kRfc4648) EXPECT_EQ(base64url_encode(bytes), without_padding(text)) << bytes;
}

TEST(Base64Url, DecodesRfc4648Vectors) {
  for (const auto& [bytes, text] : kRfc4648) EXPECT_EQ(base64url_decode(without_padding(text)), bytes) << text;
}

TEST(Base64Url, UsesTheUrlAlphabet) {
  EXPECT_EQ(base64url_encode("\xfb\xff"), "-_8");
  EXPECT_EQ(base64url_decode("-_8"), "\xfb\xff");
}

TEST(Base64Url, RejectsPaddingStandardAlphabetAndJunk) {
  for (const char* bad : {"Zg==", "Zm8=", "+/8", "Zm9v+", "Zm9/", "Zm 9v", "Zm9v\n", "Zm9v.", "Zm9v\x80"})
    EXPECT_FALSE(base64url_decode(bad).has_value()) << bad;
}

TEST(Base64Url, RejectsImpossibleLengthAndNonCanonicalTrailingBits) {
  EXPECT_FALSE(base64url_decode("Z").has_value());
  EXPECT_FALSE(base64url_decode("Zm9vY").has_value());
  EXPECT_FALSE(base64url_decode("Zh").has_value());   // "Zg" with a stray low bit
  EXPECT_FALSE(base64url_decode("Zm9").has_value());  // "Zm8" with a stray low bit
}

TEST(Base64Url, RoundTripsEveryByteAtEveryTailLength) {
  std::string all;
  for (int i = 0; i < 256; ++i) all.push_back(static_cast<char>(i));
  for (std::size_t n = 0; n <= 8; ++n) {
    const std::string bytes = all.substr(n);
    EXPECT_EQ(base64url_decode(base64url_encode(bytes)), bytes) << n;
  }
}

TEST(Base64, EncodesAndDecodesRfc4648Vectors) {
  for (const auto& [bytes, text] : kRfc4648) {
    EXPECT_EQ(base64_encode(bytes), text);
    EXPECT_EQ(base64_decode(text), bytes) << text;
  }
  EXPECT_EQ(base64_encode("\xfb\xff"), "+/8=");
  EXPECT_EQ(base64_decode("+/8="), "\xfb\xff");
}

TEST(Base64, RejectsWrongPaddingAndUrlAlphabet) {
  for (const char* bad : {"Zg", "Zg=", "Zg===", "Zm8==", "Z===", "====", "Zm=v", "-_8=", "Zm9v\n"})
    EXPECT_FALSE(base64_decode(bad).has_value()) << bad;
}

TEST(Hash, Sha256AndSha512MatchFips180Vectors) {
  EXPECT_EQ(hex(sha256("abc")), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(hex(sha256("")), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(hex(sha512("abc")),
            "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
            "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f");
}

TEST(Hash, HexIsLowercaseTwoDigitsPerByte) { EXPECT_EQ(hex(std::string("\x00\x0f\xa0\xff", 4)), "000fa0ff"); }

TEST(Hash, SecretDigestIsHexSha256) {
  EXPECT_EQ(secret_digest("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(Random, BytesHaveTheRequestedLengthAndDiffer) {
  EXPECT_EQ(random_bytes(0).size(), 0u);
  EXPECT_EQ(random_bytes(48).size(), 48u);
  std::set<std::string> seen;
  for (int i = 0; i < 16; ++i) seen.insert(random_bytes(16));
  EXPECT_EQ(seen.size(), 16u);
}

TEST(Random, TokenIsBase64UrlOfTheRequestedEntropy) {
  const std::string token = random_token();
  EXPECT_EQ(token.size(), 43u);
  ASSERT_TRUE(base64url_decode(token).has_value());
  EXPECT_EQ(base64url_decode(token)->size(), 32u);
  EXPECT_EQ(base64url_decode(random_token(10))->size(), 10u);
  EXPECT_NE(random_token(), random_token());
}

TEST(ConstantTimeEqual, ComparesContentAndLength) {
  EXPECT_TRUE(constant_time_equal("", ""));
  EXPECT_TRUE(constant_time_equal("secret", "secret"));
  EXPECT_FALSE(constant_time_equal("secret", "secreT"));
  EXPECT_FALSE(constant_time_equal("Secret", "secret"));
  EXPECT_FALSE(constant_time_equal("secret", "secret2"));
  EXPECT_FALSE(constant_time_equal("secret2", "secret"));
  EXPECT_FALSE(constant_time_equal("", "x"));
  EXPECT_TRUE(constant_time_equal(std::string("a\0b", 3), std::string("a\0b", 3)));
  EXPECT_FALSE(constant_time_equal(std::string("a\0b", 3), std::string("a\0c", 3)));
}

}  // namespace
}  // namespace cells::crypto
