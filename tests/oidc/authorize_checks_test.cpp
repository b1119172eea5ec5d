#include <gtest/gtest.h>

#include "oidc/authorize/request.h"

using namespace cells;
using oidc::AuthorizationRequest;

namespace {
http::Form form(const char* q) { return http::Form::parse(q).value(); }
AuthorizationRequest public_request() {
  AuthorizationRequest r;
  r.client.is_public = true;
  return r;
}
const char* kChallenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
}  // namespace

TEST(CheckPkce, RequiredForPublicClientsS256Only) {
  auto r = public_request();
  EXPECT_EQ(oidc::check_pkce(r, form(""))->error, "invalid_request");
  EXPECT_EQ(oidc::check_pkce(r, form("code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=plain"))
                ->error,
            "invalid_request");
  EXPECT_TRUE(oidc::check_pkce(r, form("code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM")).has_value())
      << "method defaults to plain, which is refused";
  EXPECT_FALSE(oidc::check_pkce(r, form("code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256")));
  EXPECT_EQ(r.code_challenge, kChallenge);
  EXPECT_TRUE(oidc::check_pkce(r, form("code_challenge=short&code_challenge_method=S256")));
}

TEST(CheckPkce, OptionalForConfidentialClients) {
  AuthorizationRequest r;
  EXPECT_FALSE(oidc::check_pkce(r, form("")));
  EXPECT_TRUE(oidc::check_pkce(r, form("code_challenge_method=S256"))) << "method without challenge";
}

TEST(CheckResponseType, CodeOnly) {
  AuthorizationRequest r;
  EXPECT_FALSE(oidc::check_response_type(r, form("response_type=code")));
  EXPECT_EQ(oidc::check_response_type(r, form("response_type=token"))->error, "unsupported_response_type");
  EXPECT_EQ(oidc::check_response_type(r, form("response_type=code+id_token"))->error, "unsupported_response_type");
  EXPECT_EQ(oidc::check_response_type(r, form(""))->error, "invalid_request");
  EXPECT_EQ(oidc::check_response_type(r, form("response_type=code&response_mode=fragment"))->error, "invalid_request");
}

TEST(CheckScope, KnownScopesIncludingCellsOnes) {
  AuthorizationRequest r;
  EXPECT_FALSE(oidc::check_scope(r, form("scope=openid+email+profile+pydio+offline")));
  EXPECT_EQ(r.scopes.size(), 5u);
  EXPECT_EQ(oidc::check_scope(r, form("scope=openid+admin"))->error, "invalid_scope");
}

TEST(CheckPrompt, NoneMustBeAlone) {
  AuthorizationRequest r;
  EXPECT_FALSE(oidc::check_prompt(r, form("prompt=login")));
  EXPECT_EQ(oidc::check_prompt(r, form("prompt=none+login"))->error, "invalid_request");
  EXPECT_EQ(oidc::check_prompt(r, form("prompt=bogus"))->error, "invalid_request");
}

TEST(CheckMaxAge, NonNegativeInteger) {
  AuthorizationRequest r;
  EXPECT_FALSE(oidc::check_max_age(r, form("max_age=0")));
  EXPECT_EQ(r.max_age, 0);
  for (const char* bad : {"max_age=-1", "max_age=1x", "max_age=99999999999999999999"})
    EXPECT_TRUE(oidc::check_max_age(r, form(bad))) << bad;
}

TEST(CheckRepeated, RefusesRepeatedProtocolParameters) {
  EXPECT_TRUE(oidc::check_repeated_parameters(form("scope=a&scope=b")));
  EXPECT_FALSE(oidc::check_repeated_parameters(form("unknown=a&unknown=b"))) << "unknown parameters are ignored";
}

TEST(PkceValue, Charset) {
  EXPECT_TRUE(oidc::valid_pkce_value(std::string(43, 'a')));
  EXPECT_FALSE(oidc::valid_pkce_value(std::string(42, 'a')));
  EXPECT_FALSE(oidc::valid_pkce_value(std::string(129, 'a')));
  EXPECT_FALSE(oidc::valid_pkce_value(std::string(42, 'a') + "+"));
}
