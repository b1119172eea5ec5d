// Authorization codes (RFC 6749 §4.1.2): stored by digest, single-use, short-lived. Redemption
// is one atomic conditional update, so two concurrent redemptions can never both succeed.
#pragma once
#include <cstdint>
#include <string>

#include "core/result.h"

namespace cells::store {

struct AuthorizationCode {
  std::string code_hash;
  std::string grant_id;  // shared by every token this code leads to; revoked on replay
  std::string client_id;
  std::string user_id;
  std::string redirect_uri;
  std::string scope;
  std::string nonce;
  std::string code_challenge;  // S256 challenge; empty if the (confidential) client sent none
  std::string sid;
  std::int64_t auth_time = 0;
  std::int64_t expires_at = 0;
};

enum class Redemption { redeemed, unknown, expired, replayed };

struct RedeemedCode {
  Redemption outcome = Redemption::unknown;
  AuthorizationCode code;  // filled for redeemed, expired and replayed
};

class CodeStore {
 public:
  virtual ~CodeStore() = default;
  virtual Status save(const AuthorizationCode& code) = 0;
  virtual Result<RedeemedCode> redeem(const std::string& code_hash, std::int64_t now) = 0;
  virtual Status purge_expired(std::int64_t now) = 0;
};

}  // namespace cells::store
