#include "oidc/clients/redirect_uri.h"

#include <algorithm>
#include <charconv>
#include <optional>

namespace cells::oidc {

namespace {

constexpr std::size_t kMaxPortDigits = 5;

// A registered URI split around its "[A-B]" port range: requested URIs must be
// prefix + port + suffix.
struct PortRange {
  std::string_view prefix;  // up to and including the ':' before '['
  std::string_view suffix;  // everything after ']'
  unsigned low = 0;
  unsigned high = 0;
};

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// A port written canonically: digits only, no leading zero, at most 65535.
std::optional<unsigned> parse_port(std::string_view s) {
  if (!all_digits(s) || s.size() > kMaxPortDigits || (s.size() > 1 && s.front() == '0')) return std::nullopt;
  unsigned port = 0;
  std::from_chars(s.data(), s.data() + s.size(), port);
  if (port > 65535) return std::nullopt;
  return port;
}

// The range must sit where the port goes: at the end of the authority ("scheme://host:[A-B]"
// followed by '/', '?' or the end), so brackets elsewhere (IPv6 hosts, paths) are literal.
std::optional<PortRange> find_port_range(std::string_view uri) {
  auto authority = uri.find("://");
  if (authority == std::string_view::npos) return std::nullopt;
  authority += 3;
  auto end = uri.find_first_of("/?#", authority);
  if (end == std::string_view::npos) end = uri.size();
  auto open = uri.rfind(":[", end);
  if (open == std::string_view::npos || open < authority || end < 1 || uri[end - 1] != ']') return std::nullopt;
  auto range = uri.substr(open + 2, end - 1 - (open + 2));
  auto dash = range.find('-');
  if (dash == std::string_view::npos) return std::nullopt;
  auto low = parse_port(range.substr(0, dash)), high = parse_port(range.substr(dash + 1));
  if (!low || !high || *low > *high) return std::nullopt;
  return PortRange{uri.substr(0, open + 1), uri.substr(end), *low, *high};
}

bool matches_range(const PortRange& r, std::string_view requested) {
  if (requested.size() <= r.prefix.size() + r.suffix.size() || !requested.starts_with(r.prefix) ||
      !requested.ends_with(r.suffix))
    return false;
  auto port = parse_port(requested.substr(r.prefix.size(), requested.size() - r.prefix.size() - r.suffix.size()));
  return port && *port >= r.low && *port <= r.high;
}

}  // namespace

bool has_port_range(std::string_view uri) { return find_port_range(uri).has_value(); }

bool redirect_uri_matches(std::string_view registered, std::string_view requested) {
  // A fragment is never allowed in a redirect URI (RFC 6749 §3.1.2), whatever was registered.
  if (requested.find('#') != std::string_view::npos) return false;
  if (auto range = find_port_range(registered)) return matches_range(*range, requested);
  return registered == requested;
}

bool client_allows_redirect(const store::Client& client, std::string_view uri) {
  return std::any_of(client.redirect_uris.begin(), client.redirect_uris.end(),
                     [&](const std::string& registered) { return redirect_uri_matches(registered, uri); });
}

}  // namespace cells::oidc
