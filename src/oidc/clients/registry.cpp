#include "oidc/clients/registry.h"

#include <boost/url/parse.hpp>

#include "core/clock.h"
#include "crypto/jws.h"
#include "identity/password.h"
#include "oidc/clients/redirect_uri.h"

namespace cells::oidc {

namespace {
const std::vector<std::string> kAllowedGrants = {"authorization_code", "refresh_token", "client_credentials"};

bool has(const std::vector<std::string>& v, const std::string& x) { return std::find(v.begin(), v.end(), x) != v.end(); }

Status validate_id(const std::string& id) {
  if (id.empty() || id.size() > 128) return err("invalid_input", "client id must be 1 to 128 characters");
  for (unsigned char c : id)
    if (!std::isalnum(c) && c != '.' && c != '_' && c != '-')
      return err("invalid_input", "client id may contain only letters, digits, '.', '_' and '-'");
  return ok();
}

// Absolute, no fragment, no port range; plain http only towards this machine (RFC 8252 §7.3).
Status validate_redirect_uri(const std::string& uri) {
  auto parsed = boost::urls::parse_absolute_uri(uri);
  if (!parsed || uri.size() > 2048) return err("invalid_input", "redirect URI '" + uri + "' is not an absolute URI");
  if (uri.find('#') != std::string::npos) return err("invalid_input", "redirect URI must not have a fragment");
  if (has_port_range(uri)) return err("invalid_input", "port ranges are reserved for the built-in clients");
  if (parsed->scheme() == "http") {
    auto host = std::string(parsed->host());
    if (host != "localhost" && host != "127.0.0.1" && host != "[::1]")
      return err("invalid_input", "redirect URI must use https unless it points to localhost");
  }
  return ok();
}
}  // namespace

Status validate_new_client(const NewClient& c) {
  if (auto st = validate_id(c.id); !st) return st;
  if (c.secret.size() < 16 || c.secret.size() > identity::kMaxPasswordBytes)
    return err("invalid_input", "client secret must be 16 to 1024 bytes");
  if (c.name.size() > 256) return err("invalid_input", "name must be at most 256 characters");
  for (const auto& alg : {c.access_token_alg, c.id_token_alg})
    if (!crypto::alg_from_name(alg)) return err("invalid_input", "signing algorithm must be RS256, PS256, ES256 or EdDSA");
  for (const auto& g : c.grant_types)
    if (!has(kAllowedGrants, g)) return err("invalid_input", "unsupported grant type '" + g + "'");
  for (const auto& uri : c.redirect_uris)
    if (auto st = validate_redirect_uri(uri); !st) return st;
  bool code_flow = c.grant_types.empty() || has(c.grant_types, "authorization_code");
  if (code_flow && c.redirect_uris.empty())
    return err("invalid_input", "a client using authorization_code needs at least one --redirect-uri");
  return ok();
}

const store::Client* ClientRegistry::builtin(const std::string& id) const {
  for (const auto& c : defaults_)
    if (c.id == id) return &c;
  return nullptr;
}

Result<std::optional<store::Client>> ClientRegistry::find(const std::string& id) {
  if (auto* c = builtin(id)) return std::optional<store::Client>(*c);
  if (id.size() > 128) return std::optional<store::Client>();
  return store_.find(id);
}

Result<store::Client> ClientRegistry::create_confidential(const NewClient& in) {
  if (auto st = validate_new_client(in); !st) return st.error();
  if (builtin(in.id)) return err("conflict", "'" + in.id + "' is a built-in client");
  store::Client c;
  c.id = in.id;
  c.secret_hash = identity::hash_password(in.secret);
  c.name = in.name.empty() ? in.id : in.name;
  c.redirect_uris = in.redirect_uris;
  c.grant_types = in.grant_types.empty() ? std::vector<std::string>{"authorization_code", "refresh_token"} : in.grant_types;
  c.is_public = false;
  c.access_token_alg = in.access_token_alg;
  c.id_token_alg = in.id_token_alg;
  c.created_at = now_seconds();
  if (auto st = store_.create(c); !st) return st.error();
  return c;
}

Status ClientRegistry::remove(const std::string& id) {
  if (builtin(id)) return err("forbidden", "built-in clients cannot be deleted");
  return store_.remove(id);
}

Result<std::vector<store::Client>> ClientRegistry::list() {
  auto stored = store_.list();
  if (!stored) return stored.error();
  std::vector<store::Client> all = defaults_;
  all.insert(all.end(), stored->begin(), stored->end());
  return all;
}

}  // namespace cells::oidc
