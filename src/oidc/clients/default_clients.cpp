#include "oidc/clients/default_clients.h"

namespace cells::oidc {

namespace {
store::Client public_client(std::string id, std::string name, std::vector<std::string> uris) {
  store::Client c;
  c.id = std::move(id);
  c.name = std::move(name);
  c.redirect_uris = std::move(uris);
  c.grant_types = {"authorization_code", "refresh_token"};
  c.is_public = true;
  return c;
}
}  // namespace

std::vector<store::Client> default_clients(const std::string& site_url) {
  auto sep = site_url.find("://");
  std::string scheme = site_url.substr(0, sep);
  std::string rest = site_url.substr(sep + 3);
  std::string server = rest.substr(0, rest.find('/'));
  return {
      public_client("cells-sync", "Cells Sync",
                    {"http://localhost:[3636-3666]", "http://localhost:3000", "http://localhost:3000/servers/callback",
                     "http://localhost:[3636-3666]/servers/callback"}),
      public_client("cells-mobile", "Cells Mobile", {"cellsauth://" + server, "cellsauth://callback"}),
      public_client("cells-client", "Cells Client",
                    {"http://localhost:3636", scheme + "://" + server + "/oauth/oob", site_url + "/oauth2/oob",
                     "http://localhost:[3636-3666]/servers/callback"}),
  };
}

}  // namespace cells::oidc
