#include "tokens/pat_format.h"

#include "crypto/hash.h"

namespace cells::tokens {

namespace {
std::string checksum(std::string_view body) { return crypto::base64url_encode(crypto::sha256(body)).substr(0, 6); }

bool base64url_chars(std::string_view s) {
  for (unsigned char c : s)
    if (!std::isalnum(c) && c != '-' && c != '_') return false;
  return true;
}
}  // namespace

std::string new_pat() {
  std::string body = std::string(kPatPrefix) + crypto::random_token(32);
  return body + "_" + checksum(body);
}

bool well_formed_pat(std::string_view t) {
  if (t.size() != kPatLength || !t.starts_with(kPatPrefix) || t[kPatLength - 7] != '_') return false;
  auto body = t.substr(0, kPatLength - 7);
  auto sum = t.substr(kPatLength - 6);
  if (!base64url_chars(body.substr(kPatPrefix.size())) || !base64url_chars(sum)) return false;
  return crypto::constant_time_equal(checksum(body), sum);
}

}  // namespace cells::tokens
