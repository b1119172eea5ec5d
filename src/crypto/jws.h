// JSON Web Signature (RFC 7515) in compact form, on OpenSSL 3 EVP.
// Algorithms: RS256, PS256 (RSA 2048), ES256 (P-256), EdDSA (Ed25519, RFC 8037).
#pragma once
#include <boost/json/object.hpp>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.h"

namespace cells::crypto {

enum class Alg { RS256, PS256, ES256, EdDSA };
std::optional<Alg> alg_from_name(std::string_view name);  // exact JOSE names, nothing else
std::string_view alg_name(Alg alg);

// A private signing key. Cheap to copy (shares the underlying EVP_PKEY), thread-safe to use.
class SigningKey {
 public:
  static Result<SigningKey> generate(Alg alg);
  // Loads a PKCS#8 PEM private key; fails if the key type does not fit `alg`.
  static Result<SigningKey> from_pem(Alg alg, std::string_view private_pem);

  Alg alg() const { return alg_; }
  // RFC 7638 JWK thumbprint (SHA-256, base64url) of the public key.
  const std::string& kid() const { return kid_; }
  std::string private_pem() const;
  // The public JWK with "kid", "alg" and "use":"sig".
  boost::json::object public_jwk() const;

  // Raw JWS signature over `input` (ES256 as the 64-byte R||S of RFC 7518 §3.4).
  std::string sign(std::string_view input) const;
  bool verify(std::string_view input, std::string_view signature) const;

 private:
  struct Signers;  // signing contexts set up once and reused (jws.cpp)
  Alg alg_{};
  std::shared_ptr<void> pkey_;  // EVP_PKEY*, freed with EVP_PKEY_free
  std::shared_ptr<Signers> signers_;
  std::string kid_;
};

// Signs `payload` with header {"alg","kid","typ"}; returns the compact serialization.
std::string sign_jwt(const SigningKey& key, const boost::json::object& payload, std::string_view typ = "JWT");

struct VerifiedJwt {
  boost::json::object header;
  boost::json::object payload;
};

// Verifies a compact JWS: size bound, three base64url parts, JSON objects, "alg" equal to the
// key's alg (never "none"), a "kid" that `key_for` knows, a valid signature. Claims (exp, iss,
// aud...) are NOT checked here; that is the caller's protocol rule. Error codes: "malformed",
// "unknown_key", "bad_signature".
using KeyLookup = std::function<const SigningKey*(std::string_view kid)>;
Result<VerifiedJwt> verify_jwt(std::string_view compact, const KeyLookup& key_for, std::size_t max_size = 16384);

// OIDC Core §3.1.3.6 at_hash / c_hash: base64url of the left half of the hash of `value`,
// hash chosen by the JOSE alg (SHA-256 for RS256/PS256/ES256, SHA-512 for EdDSA/Ed25519).
std::string left_half_hash(Alg alg, std::string_view value);

}  // namespace cells::crypto
