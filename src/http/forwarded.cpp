#include "http/forwarded.h"

#include <algorithm>
#include <boost/asio/ip/address.hpp>

namespace cells::http {

namespace {
bool is_trusted(const std::string& address, const std::vector<std::string>& trusted) {
  return std::find(trusted.begin(), trusted.end(), address) != trusted.end();
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// The canonical text of an IP address, or nullopt.
std::optional<std::string> canonical_ip(std::string_view text) {
  boost::system::error_code ec;
  auto address = boost::asio::ip::make_address(std::string(text), ec);
  if (ec) return std::nullopt;
  return address.to_string();
}
}  // namespace

std::string client_address(const std::string& peer, std::optional<std::string_view> x_forwarded_for,
                           const std::vector<std::string>& trusted) {
  if (!x_forwarded_for || !is_trusted(peer, trusted) || x_forwarded_for->size() > 4096) return peer;
  std::string_view rest = *x_forwarded_for;
  while (!rest.empty()) {
    auto comma = rest.rfind(',');
    auto hop = trim(comma == std::string_view::npos ? rest : rest.substr(comma + 1));
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(0, comma);
    auto ip = canonical_ip(hop);
    if (!ip) return peer;  // a garbled chain: believe only what we saw ourselves
    if (!is_trusted(*ip, trusted)) return *ip;
  }
  return peer;
}

}  // namespace cells::http
