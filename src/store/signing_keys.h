// Storage of JWS signing keys. A key is active until retired; retired keys are still published
// in the JWKS for a while so tokens they signed keep verifying.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "core/result.h"

namespace cells::store {

struct StoredKey {
  std::string kid;
  std::string alg;
  std::string private_pem;  // PKCS#8; the data folder (0700) or the database protects it
  std::int64_t created_at = 0;
  std::int64_t retired_at = 0;  // 0 while active
};

class SigningKeyStore {
 public:
  virtual ~SigningKeyStore() = default;
  virtual Result<std::vector<StoredKey>> list() = 0;
  // In one transaction: retire every active key whose alg is among `fresh`, then add `fresh`.
  virtual Status replace_active(const std::vector<StoredKey>& fresh, std::int64_t now) = 0;
  // Forgets keys retired before `cutoff`.
  virtual Status purge_retired_before(std::int64_t cutoff) = 0;
};

}  // namespace cells::store
