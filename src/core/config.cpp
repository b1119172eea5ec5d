#include "core/config.h"

#include "core/duration.h"

#include <boost/asio/ip/address.hpp>
#include <boost/url/parse.hpp>
#include <charconv>

namespace cells {

Status validate(Config& c) {
  auto colon = c.bind.rfind(':');
  if (colon == std::string::npos || colon == 0) return err("config", "--bind must be HOST:PORT, got '" + c.bind + "'");
  c.host = c.bind.substr(0, colon);
  if (c.host.size() > 2 && c.host.front() == '[' && c.host.back() == ']') c.host = c.host.substr(1, c.host.size() - 2);
  auto port_text = std::string_view(c.bind).substr(colon + 1);
  unsigned port = 0;
  auto [p, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (ec != std::errc() || p != port_text.data() + port_text.size() || port > 65535)
    return err("config", "--bind port must be a number from 0 to 65535");
  c.port = static_cast<unsigned short>(port);

  if (c.site_url.empty()) c.site_url = std::string(c.tls_cert ? "https://" : "http://") + c.bind;
  while (c.site_url.size() > 1 && c.site_url.back() == '/') c.site_url.pop_back();
  auto url = boost::urls::parse_absolute_uri(c.site_url);
  if (!url || (url->scheme() != "http" && url->scheme() != "https") || url->host().empty() || url->has_query() ||
      url->has_fragment())
    return err("config", "--site-url must be an absolute http(s) URL without query, got '" + c.site_url + "'");
  if (c.tls_cert.has_value() != c.tls_key.has_value()) return err("config", "--tls-cert and --tls-key go together");
  auto lifetime = parse_duration(c.pat_max_lifetime);
  if (!lifetime) return err("config", "--pat-max-lifetime: " + lifetime.error().message);
  c.pat_max_lifetime_seconds = *lifetime;
  if (c.db.empty()) c.db = "sqlite:" + c.data_dir + "/cells.db";
  if (!c.db.starts_with("sqlite:") && !c.db.starts_with("postgres://") && !c.db.starts_with("postgresql://"))
    return err("config", "--db must be sqlite:PATH or postgres://USER@HOST:PORT/DB");
  if (c.files_dir.empty()) c.files_dir = c.data_dir;
  for (auto& proxy : c.trusted_proxies) {
    boost::system::error_code ec;
    auto address = boost::asio::ip::make_address(proxy, ec);
    if (ec) return err("config", "--trusted-proxies: '" + proxy + "' is not an IP address");
    proxy = address.to_string();
  }
  return ok();
}

}  // namespace cells
