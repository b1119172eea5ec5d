#include "crypto/jws.h"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include <array>
#include <mutex>
#include <vector>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <span>
#include <stdexcept>

#include "crypto/hash.h"

namespace cells::crypto {
namespace {

template <auto Free>
struct Deleter {
  template <typename T>
  void operator()(T* p) const { Free(p); }
};
template <typename T, auto Free>
using Owned = std::unique_ptr<T, Deleter<Free>>;
using PkeyPtr = Owned<EVP_PKEY, EVP_PKEY_free>;
using PkeyCtxPtr = Owned<EVP_PKEY_CTX, EVP_PKEY_CTX_free>;
using MdCtxPtr = Owned<EVP_MD_CTX, EVP_MD_CTX_free>;
using BioPtr = Owned<BIO, BIO_free_all>;
using BnPtr = Owned<BIGNUM, BN_free>;
using EcdsaSigPtr = Owned<ECDSA_SIG, ECDSA_SIG_free>;

const unsigned char* bytes(std::string_view s) { return reinterpret_cast<const unsigned char*>(s.data()); }
unsigned char* bytes(std::string& s) { return reinterpret_cast<unsigned char*>(s.data()); }

// Where a member of the public JWK comes from.
enum class Source { Literal, BigNum, Octets };
struct JwkMember {
  const char* name;
  Source source;
  const char* value;  // the literal text, or the OpenSSL parameter name
  int width;          // BigNum: fixed big-endian width in bytes, 0 for minimal
};

// RFC 7638 required members, already in lexicographic order: the thumbprint hashes them as listed.
constexpr std::array kRsaMembers{
    JwkMember{"e", Source::BigNum, OSSL_PKEY_PARAM_RSA_E, 0},
    JwkMember{"kty", Source::Literal, "RSA", 0},
    JwkMember{"n", Source::BigNum, OSSL_PKEY_PARAM_RSA_N, 0},
};
// RFC 7518 §6.2.1.2: EC coordinates are the full field size, leading zeros included.
constexpr std::array kEcMembers{
    JwkMember{"crv", Source::Literal, "P-256", 0},
    JwkMember{"kty", Source::Literal, "EC", 0},
    JwkMember{"x", Source::BigNum, OSSL_PKEY_PARAM_EC_PUB_X, 32},
    JwkMember{"y", Source::BigNum, OSSL_PKEY_PARAM_EC_PUB_Y, 32},
};
constexpr std::array kOkpMembers{
    JwkMember{"crv", Source::Literal, "Ed25519", 0},
    JwkMember{"kty", Source::Literal, "OKP", 0},
    JwkMember{"x", Source::Octets, OSSL_PKEY_PARAM_PUB_KEY, 0},
};

struct KeyKind {
  const char* type;   // OpenSSL key type, for generation and for checking loaded keys
  const char* group;  // the only EC group accepted (OpenSSL's name), or nullptr
  unsigned bits;      // RSA modulus size generated and minimum accepted, or 0
  std::span<const JwkMember> members;
};
constexpr KeyKind kRsa{"RSA", nullptr, 2048, kRsaMembers};
constexpr KeyKind kEc{"EC", "prime256v1", 0, kEcMembers};
constexpr KeyKind kOkp{"ED25519", nullptr, 0, kOkpMembers};

struct AlgSpec {
  Alg alg;
  std::string_view name;
  const KeyKind* kind;
  const EVP_MD* (*digest)();  // nullptr: the scheme hashes internally (Ed25519 is "pure")
  bool pss;
  int ecdsa_half;  // RFC 7518 §3.4 fixed width of R and of S, or 0 when not ECDSA
  std::string (*half_hash)(std::string_view);  // for at_hash / c_hash
};
constexpr std::array kSpecs{
    AlgSpec{Alg::RS256, "RS256", &kRsa, EVP_sha256, false, 0, sha256},
    AlgSpec{Alg::PS256, "PS256", &kRsa, EVP_sha256, true, 0, sha256},
    AlgSpec{Alg::ES256, "ES256", &kEc, EVP_sha256, false, 32, sha256},
    AlgSpec{Alg::EdDSA, "EdDSA", &kOkp, nullptr, false, 0, sha512},
};

const AlgSpec& spec(Alg alg) {
  for (const AlgSpec& s : kSpecs)
    if (s.alg == alg) return s;
  throw std::invalid_argument("unknown Alg value");
}

EVP_PKEY* raw(const std::shared_ptr<void>& pkey) { return static_cast<EVP_PKEY*>(pkey.get()); }
std::shared_ptr<void> share(PkeyPtr pkey) { return std::shared_ptr<void>(pkey.release(), [](void* p) { EVP_PKEY_free(static_cast<EVP_PKEY*>(p)); }); }

PkeyPtr generate_key(const KeyKind& kind) {
  PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, kind.type, nullptr));
  std::array<OSSL_PARAM, 2> params{OSSL_PARAM_construct_end(), OSSL_PARAM_construct_end()};
  unsigned bits = kind.bits;
  if (kind.bits) params[0] = OSSL_PARAM_construct_uint(OSSL_PKEY_PARAM_RSA_BITS, &bits);
  if (kind.group) params[0] = OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, const_cast<char*>(kind.group), 0);
  EVP_PKEY* pkey = nullptr;
  if (!ctx || EVP_PKEY_keygen_init(ctx.get()) != 1 || EVP_PKEY_CTX_set_params(ctx.get(), params.data()) != 1 ||
      EVP_PKEY_generate(ctx.get(), &pkey) != 1)
    ERR_clear_error();
  return PkeyPtr(pkey);
}

// Rejects what the algorithm cannot use: another key type, another curve (or explicit curve
// parameters, a known attack surface), or an RSA modulus below the RFC 7518 minimum.
bool fits(const KeyKind& kind, EVP_PKEY* pkey) {
  if (!EVP_PKEY_is_a(pkey, kind.type)) return false;
  if (kind.bits && EVP_PKEY_get_bits(pkey) < static_cast<int>(kind.bits)) return false;
  if (!kind.group) return true;
  std::array<char, 64> group{};
  std::size_t length = 0;
  return EVP_PKEY_get_group_name(pkey, group.data(), group.size(), &length) == 1 && std::string_view(group.data(), length) == kind.group;
}

std::optional<std::string> member_value(const JwkMember& member, EVP_PKEY* pkey) {
  if (member.source == Source::Literal) return std::string(member.value);
  if (member.source == Source::Octets) {
    std::array<unsigned char, 64> buffer{};
    std::size_t length = 0;
    if (EVP_PKEY_get_octet_string_param(pkey, member.value, buffer.data(), buffer.size(), &length) != 1) return std::nullopt;
    return base64url_encode(std::string_view(reinterpret_cast<const char*>(buffer.data()), length));
  }
  BIGNUM* bn_raw = nullptr;
  if (EVP_PKEY_get_bn_param(pkey, member.value, &bn_raw) != 1) return std::nullopt;
  BnPtr bn(bn_raw);
  std::string out(member.width ? member.width : BN_num_bytes(bn.get()), '\0');
  const int written = member.width ? BN_bn2binpad(bn.get(), bytes(out), member.width) : BN_bn2bin(bn.get(), bytes(out));
  if (written != static_cast<int>(out.size())) return std::nullopt;
  return base64url_encode(out);
}

std::optional<boost::json::object> required_members(const KeyKind& kind, EVP_PKEY* pkey) {
  boost::json::object jwk;
  for (const JwkMember& member : kind.members) {
    auto value = member_value(member, pkey);
    if (!value) return std::nullopt;
    jwk[member.name] = *value;
  }
  return jwk;
}

// RFC 7638 §3: members in lexicographic order, no whitespace. Values are base64url or fixed
// ASCII names, so Boost.JSON's compact output is already the canonical form.
std::optional<std::string> thumbprint(const KeyKind& kind, EVP_PKEY* pkey) {
  auto members = required_members(kind, pkey);
  if (!members) return std::nullopt;
  return base64url_encode(sha256(boost::json::serialize(*members)));
}

bool init_context(const AlgSpec& s, EVP_MD_CTX* ctx, EVP_PKEY* pkey, bool signing) {
  EVP_PKEY_CTX* pctx = nullptr;
  const EVP_MD* md = s.digest ? s.digest() : nullptr;
  const int ok = signing ? EVP_DigestSignInit(ctx, &pctx, md, nullptr, pkey) : EVP_DigestVerifyInit(ctx, &pctx, md, nullptr, pkey);
  if (ok != 1) return false;
  if (!s.pss) return true;
  // RFC 7518 §3.5: MGF1 with the same hash, salt as long as the hash. Verification demands
  // exactly that salt length rather than auto-detecting it.
  return EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) == 1 &&
         EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST) == 1 && EVP_PKEY_CTX_set_rsa_mgf1_md(pctx, md) == 1;
}

// OpenSSL speaks DER ECDSA-Sig-Value; JOSE uses fixed-width R||S.
std::string der_to_jose(std::string_view der, int half) {
  const unsigned char* p = bytes(der);
  EcdsaSigPtr sig(d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(der.size())));
  if (!sig) throw std::runtime_error("OpenSSL produced an unreadable ECDSA signature");
  std::string out(2 * half, '\0');
  if (BN_bn2binpad(ECDSA_SIG_get0_r(sig.get()), bytes(out), half) != half ||
      BN_bn2binpad(ECDSA_SIG_get0_s(sig.get()), bytes(out) + half, half) != half)
    throw std::runtime_error("ECDSA signature component too large");
  return out;
}

std::optional<std::string> jose_to_der(std::string_view jose, int half) {
  if (jose.size() != static_cast<std::size_t>(2 * half)) return std::nullopt;
  EcdsaSigPtr sig(ECDSA_SIG_new());
  BIGNUM* r = BN_bin2bn(bytes(jose), half, nullptr);
  BIGNUM* s = BN_bin2bn(bytes(jose) + half, half, nullptr);
  if (!sig || !r || !s || ECDSA_SIG_set0(sig.get(), r, s) != 1) {
    BN_free(r);
    BN_free(s);
    return std::nullopt;
  }
  const int length = i2d_ECDSA_SIG(sig.get(), nullptr);
  if (length <= 0) return std::nullopt;
  std::string der(static_cast<std::size_t>(length), '\0');
  unsigned char* p = bytes(der);
  if (i2d_ECDSA_SIG(sig.get(), &p) != length) return std::nullopt;
  return der;
}

Error malformed(std::string message) { return err("malformed", std::move(message)); }

struct CompactParts {
  std::string_view header, payload, signature, signing_input;
};

std::optional<CompactParts> split_compact(std::string_view compact) {
  const auto first = compact.find('.');
  if (first == std::string_view::npos) return std::nullopt;
  const auto second = compact.find('.', first + 1);
  if (second == std::string_view::npos || compact.find('.', second + 1) != std::string_view::npos) return std::nullopt;
  return CompactParts{compact.substr(0, first), compact.substr(first + 1, second - first - 1), compact.substr(second + 1),
                      compact.substr(0, second)};
}

std::optional<boost::json::object> decode_object(std::string_view part) {
  auto text = base64url_decode(part);
  if (!text) return std::nullopt;
  boost::system::error_code ec;
  boost::json::value value = boost::json::parse(*text, ec);
  if (ec || !value.is_object()) return std::nullopt;
  return std::move(value.as_object());
}

// Names the key the header asks for, refusing anything the key was not made for: the "alg" is
// the key's own, never the token's choice (algorithm confusion, "none").
Result<const SigningKey*> header_key(const boost::json::object& header, const KeyLookup& key_for) {
  const boost::json::value* alg_value = header.if_contains("alg");
  const boost::json::value* kid_value = header.if_contains("kid");
  if (!alg_value || !alg_value->is_string()) return malformed("header \"alg\" missing or not a string");
  const auto alg = alg_from_name(alg_value->get_string());
  if (!alg) return malformed("unsupported \"alg\"");
  // RFC 7515 §4.1.11: extensions we do not implement must be refused, and we implement none.
  if (header.contains("crit")) return malformed("unsupported \"crit\" header");
  if (!kid_value || !kid_value->is_string()) return malformed("header \"kid\" missing or not a string");
  const SigningKey* key = key_for ? key_for(kid_value->get_string()) : nullptr;
  if (!key) return err("unknown_key", "no key with this \"kid\"");
  if (key->alg() != *alg) return err("bad_signature", "\"alg\" does not match the key");
  return key;
}

}  // namespace

std::optional<Alg> alg_from_name(std::string_view name) {
  for (const AlgSpec& s : kSpecs)
    if (s.name == name) return s.alg;
  return std::nullopt;
}

std::string_view alg_name(Alg alg) { return spec(alg).name; }

Result<SigningKey> SigningKey::generate(Alg alg) {
  const AlgSpec& s = spec(alg);
  PkeyPtr pkey = generate_key(*s.kind);
  auto kid = pkey ? thumbprint(*s.kind, pkey.get()) : std::nullopt;
  if (!kid) return err("key_generation", std::string("could not generate a ") + s.kind->type + " key");
  SigningKey key;
  key.alg_ = alg;
  key.pkey_ = share(std::move(pkey));
  key.signers_ = std::make_shared<Signers>();
  key.kid_ = std::move(*kid);
  return key;
}

Result<SigningKey> SigningKey::from_pem(Alg alg, std::string_view private_pem) {
  const AlgSpec& s = spec(alg);
  BioPtr bio(BIO_new_mem_buf(private_pem.data(), static_cast<int>(private_pem.size())));
  // A refusing password callback: the default one would prompt on the terminal for encrypted PEMs.
  pem_password_cb* no_password = [](char*, int, int, void*) { return 0; };
  PkeyPtr pkey(bio ? PEM_read_bio_PrivateKey(bio.get(), nullptr, no_password, nullptr) : nullptr);
  ERR_clear_error();
  if (!pkey) return err("invalid_key", "not a readable unencrypted PEM private key");
  if (!fits(*s.kind, pkey.get())) return err("invalid_key", std::string("key does not fit ") + std::string(s.name));
  auto kid = thumbprint(*s.kind, pkey.get());
  if (!kid) return err("invalid_key", "cannot export the public key");
  SigningKey key;
  key.alg_ = alg;
  key.pkey_ = share(std::move(pkey));
  key.signers_ = std::make_shared<Signers>();
  key.kid_ = std::move(*kid);
  return key;
}

std::string SigningKey::private_pem() const {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!pkey_ || !bio || PEM_write_bio_PrivateKey(bio.get(), raw(pkey_), nullptr, nullptr, 0, nullptr, nullptr) != 1)
    throw std::runtime_error("cannot write the private key as PEM");
  char* data = nullptr;
  const long length = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<std::size_t>(length));
}

boost::json::object SigningKey::public_jwk() const {
  const AlgSpec& s = spec(alg_);
  auto jwk = pkey_ ? required_members(*s.kind, raw(pkey_)) : std::nullopt;
  if (!jwk) throw std::runtime_error("cannot export the public key");
  (*jwk)["kid"] = kid_;
  (*jwk)["alg"] = s.name;
  (*jwk)["use"] = "sig";
  return std::move(*jwk);
}

// Signing contexts initialized once and reused (EVP_PKEY_sign may be called again on the same
// context): EVP_DigestSignInit looks the algorithm and digest up in the provider store on every
// call, several microseconds of each token. Shared by the copies of a key; a handful kept idle.
struct SigningKey::Signers {
  static constexpr std::size_t kKeepIdle = 16;
  std::mutex mu;
  std::vector<PkeyCtxPtr> idle;

  PkeyCtxPtr take(const AlgSpec& s, EVP_PKEY* pkey) {
    {
      std::lock_guard lock(mu);
      if (!idle.empty()) {
        PkeyCtxPtr ctx = std::move(idle.back());
        idle.pop_back();
        return ctx;
      }
    }
    PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, pkey, nullptr));
    // RFC 7518 §3.5 for PSS: MGF1 with the same hash, salt as long as the hash.
    const bool ready = ctx && EVP_PKEY_sign_init(ctx.get()) == 1 && EVP_PKEY_CTX_set_signature_md(ctx.get(), s.digest()) == 1 &&
                       (!s.pss || (EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_PKCS1_PSS_PADDING) == 1 &&
                                   EVP_PKEY_CTX_set_rsa_pss_saltlen(ctx.get(), RSA_PSS_SALTLEN_DIGEST) == 1 &&
                                   EVP_PKEY_CTX_set_rsa_mgf1_md(ctx.get(), s.digest()) == 1));
    if (!ready) {
      ERR_clear_error();
      throw std::runtime_error("OpenSSL cannot set up signing");
    }
    return ctx;
  }

  void give_back(PkeyCtxPtr ctx) {
    std::lock_guard lock(mu);
    if (idle.size() < kKeepIdle) idle.push_back(std::move(ctx));
  }
};

std::string SigningKey::sign(std::string_view input) const {
  const AlgSpec& s = spec(alg_);
  if (!pkey_) throw std::logic_error("sign() on an empty SigningKey");
  std::string signature(static_cast<std::size_t>(EVP_PKEY_get_size(raw(pkey_))), '\0');
  std::size_t length = signature.size();
  if (s.digest) {  // hash-then-sign, SHA-256 in every such algorithm here (not Ed25519)
    const std::string digest = sha256(input);
    PkeyCtxPtr ctx = signers_->take(s, raw(pkey_));
    if (EVP_PKEY_sign(ctx.get(), bytes(signature), &length, bytes(digest), digest.size()) != 1) {
      ERR_clear_error();
      throw std::runtime_error("OpenSSL signing failed");
    }
    signers_->give_back(std::move(ctx));
    signature.resize(length);
    return s.ecdsa_half ? der_to_jose(signature, s.ecdsa_half) : signature;
  }
  MdCtxPtr ctx(EVP_MD_CTX_new());
  // One call with a buffer of the key's maximum signature size: a NULL "size query" call is not
  // reliably side-effect free across providers.
  if (!ctx || !init_context(s, ctx.get(), raw(pkey_), true) ||
      EVP_DigestSign(ctx.get(), bytes(signature), &length, bytes(input), input.size()) != 1)
    throw std::runtime_error("OpenSSL signing failed");
  signature.resize(length);
  return s.ecdsa_half ? der_to_jose(signature, s.ecdsa_half) : signature;
}

bool SigningKey::verify(std::string_view input, std::string_view signature) const {
  const AlgSpec& s = spec(alg_);
  // RFC 8017 §8.2.2 step 1: an RSA signature is exactly the modulus length. OpenSSL reads a
  // shorter one as the same integer, so one signature in 256 (leading zero byte) would verify
  // with that byte cut off.
  if (s.kind == &kRsa && pkey_ && signature.size() != static_cast<std::size_t>(EVP_PKEY_get_size(raw(pkey_)))) return false;
  std::optional<std::string> der;
  if (s.ecdsa_half) {
    der = jose_to_der(signature, s.ecdsa_half);
    if (!der) return false;
    signature = *der;
  }
  MdCtxPtr ctx(EVP_MD_CTX_new());
  const bool ok = pkey_ && ctx && init_context(s, ctx.get(), raw(pkey_), false) &&
                  EVP_DigestVerify(ctx.get(), bytes(signature), signature.size(), bytes(input), input.size()) == 1;
  if (!ok) ERR_clear_error();  // a forged token must not leave errors queued on this thread
  return ok;
}

std::string sign_jwt(const SigningKey& key, const boost::json::object& payload, std::string_view typ) {
  const boost::json::object header{{"alg", alg_name(key.alg())}, {"kid", key.kid()}, {"typ", typ}};
  std::string input = base64url_encode(boost::json::serialize(header)) + '.' + base64url_encode(boost::json::serialize(payload));
  std::string signature = base64url_encode(key.sign(input));
  return input + '.' + signature;
}

// Structure is checked completely before any cryptography, so the error code depends only on
// the token, never on how far verification got.
Result<VerifiedJwt> verify_jwt(std::string_view compact, const KeyLookup& key_for, std::size_t max_size) {
  if (compact.size() > max_size) return malformed("token too large");
  const auto parts = split_compact(compact);
  if (!parts) return malformed("expected exactly three dot-separated parts");
  auto header = decode_object(parts->header);
  auto payload = decode_object(parts->payload);
  const auto signature = base64url_decode(parts->signature);
  if (!header || !payload) return malformed("header and payload must be base64url JSON objects");
  if (!signature) return malformed("signature is not base64url");
  auto key = header_key(*header, key_for);
  if (!key) return key.error();
  if (!(*key)->verify(parts->signing_input, *signature)) return err("bad_signature", "signature does not verify");
  return VerifiedJwt{std::move(*header), std::move(*payload)};
}

std::string left_half_hash(Alg alg, std::string_view value) {
  const std::string digest = spec(alg).half_hash(value);
  return base64url_encode(std::string_view(digest).substr(0, digest.size() / 2));
}

}  // namespace cells::crypto
