// The client's address behind trusted reverse proxies (load balancers). Only a proxy listed in
// `trusted` is believed: its X-Forwarded-For is read from the right, skipping further trusted
// proxies, and the first other address is the client. Anything malformed, or a peer that is not
// trusted, leaves the TCP peer address. Lockout counts per client address, so this matters.
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cells::http {

std::string client_address(const std::string& peer, std::optional<std::string_view> x_forwarded_for,
                           const std::vector<std::string>& trusted);

}  // namespace cells::http
