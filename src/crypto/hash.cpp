#include "crypto/hash.h"

#include <openssl/evp.h>
#include <sodium.h>

#include <array>
#include <cstdio>
#include <memory>
#include <vector>
#include <stdexcept>

namespace cells::crypto {
namespace {

constexpr std::string_view kStandardAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr std::string_view kUrlAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

using ReverseAlphabet = std::array<signed char, 256>;  // -1 marks a byte outside the alphabet

constexpr ReverseAlphabet reverse(std::string_view alphabet) {
  ReverseAlphabet table{};
  table.fill(-1);
  for (std::size_t i = 0; i < alphabet.size(); ++i) table[static_cast<unsigned char>(alphabet[i])] = static_cast<signed char>(i);
  return table;
}

constexpr ReverseAlphabet kStandardReverse = reverse(kStandardAlphabet);
constexpr ReverseAlphabet kUrlReverse = reverse(kUrlAlphabet);

std::string encode(std::string_view bytes, std::string_view alphabet, bool pad) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  unsigned buffer = 0;
  int bits = 0;
  for (unsigned char byte : bytes) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out.push_back(alphabet[(buffer >> bits) & 0x3f]);
    }
  }
  if (bits > 0) out.push_back(alphabet[(buffer << (6 - bits)) & 0x3f]);
  while (pad && out.size() % 4 != 0) out.push_back('=');
  return out;
}

// Strict: only canonical encodings decode, so that one byte string has exactly one text form
// (a token compared or looked up as text cannot be re-spelled by an attacker).
std::optional<std::string> decode_unpadded(std::string_view text, const ReverseAlphabet& reverse) {
  if (text.size() % 4 == 1) return std::nullopt;  // no byte count encodes to this length
  std::string out;
  out.reserve(text.size() * 3 / 4);
  unsigned buffer = 0;
  int bits = 0;
  for (char c : text) {
    const int value = reverse[static_cast<unsigned char>(c)];
    if (value < 0) return std::nullopt;
    buffer = ((buffer << 6) | static_cast<unsigned>(value)) & 0xfff;  // never more than 12 live bits
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((buffer >> bits) & 0xff));
    }
  }
  if ((buffer & ((1u << bits) - 1)) != 0) return std::nullopt;  // non-zero leftover bits: non-canonical
  return out;
}

std::string digest(const EVP_MD* md, std::string_view bytes) {
  std::string out(static_cast<std::size_t>(EVP_MD_get_size(md)), '\0');
  unsigned int length = 0;
  if (EVP_Digest(bytes.data(), bytes.size(), reinterpret_cast<unsigned char*>(out.data()), &length, md, nullptr) != 1)
    throw std::runtime_error("OpenSSL digest failed");
  return out;
}

void ensure_sodium() {
  // sodium_init is itself thread-safe; the static only saves repeated calls.
  static const bool ready = [] {
    if (sodium_init() < 0) throw std::runtime_error("libsodium failed to initialize");
    return true;
  }();
  (void)ready;
}

}  // namespace

std::string base64url_encode(std::string_view bytes) { return encode(bytes, kUrlAlphabet, false); }

std::optional<std::string> base64url_decode(std::string_view text) { return decode_unpadded(text, kUrlReverse); }

std::string base64_encode(std::string_view bytes) { return encode(bytes, kStandardAlphabet, true); }

std::optional<std::string> base64_decode(std::string_view text) {
  if (text.size() % 4 != 0) return std::nullopt;
  std::size_t padding = 0;
  while (padding < 2 && padding < text.size() && text[text.size() - 1 - padding] == '=') ++padding;
  const std::string_view body = text.substr(0, text.size() - padding);
  // The padding must be exactly what the body length implies (a third '=' fails in the decoder).
  if (padding != (4 - body.size() % 4) % 4) return std::nullopt;
  return decode_unpadded(body, kStandardReverse);
}

namespace {
// Fetched once: EVP_sha256() makes every EVP_Digest look the algorithm up in the provider store
// again (a third of the cost of hashing a JWT for the verified-token cache).
const EVP_MD* fetched(const char* name) {
  const EVP_MD* md = EVP_MD_fetch(nullptr, name, nullptr);
  if (!md) throw std::runtime_error(std::string("OpenSSL has no ") + name);
  return md;
}
}  // namespace

std::string sha256(std::string_view bytes) {
  static const EVP_MD* md = fetched("SHA256");
  return digest(md, bytes);
}
std::string sha512(std::string_view bytes) {
  static const EVP_MD* md = fetched("SHA512");
  return digest(md, bytes);
}

std::string hex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char byte : bytes) {
    out.push_back(kDigits[byte >> 4]);
    out.push_back(kDigits[byte & 0xf]);
  }
  return out;
}

std::optional<std::string> sha256_file(const std::string& path) {
  std::unique_ptr<FILE, int (*)(FILE*)> f(std::fopen(path.c_str(), "rb"), &std::fclose);
  if (!f) return std::nullopt;
  std::unique_ptr<EVP_MD_CTX, void (*)(EVP_MD_CTX*)> ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
  if (!ctx || EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr) != 1) return std::nullopt;
  std::vector<unsigned char> buf(1 << 20);
  std::size_t n;
  while ((n = std::fread(buf.data(), 1, buf.size(), f.get())) > 0)
    if (EVP_DigestUpdate(ctx.get(), buf.data(), n) != 1) return std::nullopt;
  if (std::ferror(f.get())) return std::nullopt;
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned len = 0;
  if (EVP_DigestFinal_ex(ctx.get(), out, &len) != 1) return std::nullopt;
  return std::string(reinterpret_cast<char*>(out), len);
}

std::string secret_digest(std::string_view secret) { return hex(sha256(secret)); }

std::string random_bytes(std::size_t n) {
  ensure_sodium();
  std::string out(n, '\0');
  randombytes_buf(out.data(), n);
  return out;
}

std::string random_token(std::size_t bytes) { return base64url_encode(random_bytes(bytes)); }

bool constant_time_equal(std::string_view a, std::string_view b) {
  // Lengths of secrets are not secret; only the content comparison must not leak timing.
  if (a.size() != b.size()) return false;
  ensure_sodium();
  return sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace cells::crypto
