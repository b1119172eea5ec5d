// The scopes this provider knows: the OIDC ones, plus `offline` and `pydio`, which the real
// Cells clients ask for ("openid email profile pydio offline").
#pragma once
#include <set>
#include <string>
#include <string_view>

namespace cells::oidc {

using Scopes = std::set<std::string, std::less<>>;

Scopes parse_scopes(std::string_view text);  // space-separated, duplicates collapse
std::string join_scopes(const Scopes& scopes);
bool known_scope(std::string_view scope);
// The first unknown scope, or empty when all are known.
std::string first_unknown(const Scopes& scopes);
// offline_access or offline: a refresh token may be issued.
bool wants_refresh(const Scopes& scopes);

}  // namespace cells::oidc
