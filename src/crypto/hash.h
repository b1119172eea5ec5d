// Hashing, randomness, encodings and comparisons that every subsystem shares.
#pragma once
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace cells::crypto {

std::string base64url_encode(std::string_view bytes);              // no padding
std::optional<std::string> base64url_decode(std::string_view text);  // rejects padding and bad chars
std::string base64_encode(std::string_view bytes);                 // standard, padded
std::optional<std::string> base64_decode(std::string_view text);

std::string sha256(std::string_view bytes);  // raw 32 bytes
std::string sha512(std::string_view bytes);  // raw 64 bytes
std::string hex(std::string_view bytes);

// SHA-256 of a file's contents, read in chunks (any size, flat memory); nullopt on I/O error.
std::optional<std::string> sha256_file(const std::string& path);

// Lookup key for a high-entropy secret (codes, refresh tokens, session ids): hex SHA-256.
// High-entropy secrets need no slow hash; low-entropy ones (passwords) use identity/password.h.
std::string secret_digest(std::string_view secret);

std::string random_bytes(std::size_t n);                 // libsodium randombytes_buf
std::string random_token(std::size_t bytes = 32);        // base64url of random_bytes(bytes)
bool constant_time_equal(std::string_view a, std::string_view b);  // false on length mismatch

}  // namespace cells::crypto
