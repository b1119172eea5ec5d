// The text of a personal access token: "cpat_" + 43 base64url characters (256 random bits) +
// "_" + 6 characters of checksum (the first 36 bits of SHA-256 over the rest). The fixed prefix
// lets secret scanners find leaked tokens; the checksum rejects mistyped, truncated or forged
// tokens before any database lookup.
#pragma once
#include <string>
#include <string_view>

namespace cells::tokens {

constexpr std::string_view kPatPrefix = "cpat_";
constexpr std::size_t kPatLength = 5 + 43 + 1 + 6;

std::string new_pat();
// Shape and checksum only; says nothing about whether the token exists.
bool well_formed_pat(std::string_view token);
// Looks like one of ours (prefix), so a Basic password or Bearer token is routed to PAT checks.
inline bool looks_like_pat(std::string_view token) { return token.starts_with(kPatPrefix); }

}  // namespace cells::tokens
