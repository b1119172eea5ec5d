// Redirect URI comparison (RFC 6749 §3.1.2, OAuth 2.0 Security BCP §4.1): exact string match,
// with one exception for the built-in clients: a registered URI may write its port as "[A-B]"
// (e.g. "http://localhost:[3636-3666]/servers/callback"), which matches a requested URI whose
// port is a canonical decimal number in A..B and whose other characters are identical.
// No other normalization: no case folding, no trailing slash, query or fragment tolerance.
#pragma once
#include <string_view>

#include "store/clients.h"

namespace cells::oidc {

bool redirect_uri_matches(std::string_view registered, std::string_view requested);
// True if `uri` matches one of the client's registered redirect URIs.
bool client_allows_redirect(const store::Client& client, std::string_view uri);
// True if `uri` uses the "[A-B]" port-range syntax (reserved for built-in clients).
bool has_port_range(std::string_view uri);

}  // namespace cells::oidc
