#include "admin/client_commands.h"

#include <boost/json.hpp>
#include <iostream>

#include "admin/cli_support.h"

namespace cells::admin {

namespace json = boost::json;

namespace {
json::array to_array(const std::vector<std::string>& v) { return json::array(v.begin(), v.end()); }

std::vector<std::string> strings(const json::object& o, const char* key) {
  std::vector<std::string> out;
  if (auto* v = o.if_contains(key); v && v->is_array())
    for (const auto& item : v->as_array())
      if (item.is_string()) out.emplace_back(item.as_string());
  return out;
}

std::string joined(const json::value& v) {
  std::string out;
  for (const auto& item : v.as_array()) out += (out.empty() ? "" : " ") + std::string(item.as_string());
  return out;
}

// Never the secret hash.
json::object client_json(const store::Client& c) {
  return {{"id", c.id}, {"name", c.name}, {"public", c.is_public},
          {"grant_types", to_array(c.grant_types)}, {"redirect_uris", to_array(c.redirect_uris)},
          {"access_token_alg", c.access_token_alg}, {"id_token_alg", c.id_token_alg}};
}
}  // namespace

void register_client_commands(ChannelServer& ch, oidc::ClientRegistry& clients) {
  ch.add("client.create", [&](const json::object& r) -> Result<json::object> {
    oidc::NewClient n{str(r, "id"), str(r, "secret"), str(r, "name"), strings(r, "redirect_uris"),
                      strings(r, "grant_types")};
    if (auto alg = str(r, "access_token_alg"); !alg.empty()) n.access_token_alg = alg;
    if (auto alg = str(r, "id_token_alg"); !alg.empty()) n.id_token_alg = alg;
    auto c = clients.create_confidential(n);
    if (!c) return c.error();
    return json::object{{"client", client_json(*c)}};
  });
  ch.add("client.list", [&](const json::object&) -> Result<json::object> {
    auto all = clients.list();
    if (!all) return all.error();
    json::array out;
    for (const auto& c : *all) out.push_back(client_json(c));
    return json::object{{"clients", out}};
  });
  ch.add("client.delete", [&](const json::object& r) -> Result<json::object> {
    if (auto st = clients.remove(str(r, "id")); !st) return st.error();
    return json::object{};
  });
}

void add_client_cli(CLI::App& client, const std::string& data_dir) {
  client.require_subcommand(1);
  static std::string id, name, access_alg, id_alg;
  static std::vector<std::string> redirect_uris, grants;
  static bool secret_stdin = false;

  auto* create = client.add_subcommand("create", "Register a confidential client (secret read from standard input)");
  create->add_option("--id", id, "Client id")->required();
  create->add_flag("--secret-stdin", secret_stdin, "Read the client secret from standard input")->required();
  create->add_option("--redirect-uri", redirect_uris, "Allowed redirect URI (repeatable, matched exactly)");
  create->add_option("--grant", grants, "authorization_code, refresh_token or client_credentials (repeatable)")
      ->check(CLI::IsMember({"authorization_code", "refresh_token", "client_credentials"}));
  create->add_option("--name", name, "Display name shown on the login page");
  auto algs = CLI::IsMember({"RS256", "PS256", "ES256", "EdDSA"});
  create->add_option("--access-token-alg", access_alg, "Access token signature: RS256, PS256, ES256 (default), EdDSA")->check(algs);
  create->add_option("--id-token-alg", id_alg, "ID token signature: RS256 (default), PS256, ES256, EdDSA")->check(algs);
  create->callback([&data_dir] {
    auto secret = read_secret_stdin("client secret");
    auto a = call_or_exit(data_dir, {{"cmd", "client.create"}, {"id", id}, {"secret", secret}, {"name", name},
                                     {"redirect_uris", to_array(redirect_uris)}, {"grant_types", to_array(grants)},
                                     {"access_token_alg", access_alg}, {"id_token_alg", id_alg}});
    std::cout << "created client " << id << " grants=" << joined(a.at("client").at("grant_types")) << "\n";
  });

  client.add_subcommand("list", "List clients (built-in and registered)")->callback([&data_dir] {
    auto a = call_or_exit(data_dir, {{"cmd", "client.list"}});
    std::cout << "ID\tTYPE\tGRANTS\tALGS (access/id)\tREDIRECT URIS\n";
    for (const auto& v : a.at("clients").as_array()) {
      const auto& c = v.as_object();
      std::cout << str(c, "id") << "\t" << (c.at("public").as_bool() ? "public" : "confidential") << "\t"
                << joined(c.at("grant_types")) << "\t" << str(c, "access_token_alg") << "/" << str(c, "id_token_alg")
                << "\t" << joined(c.at("redirect_uris")) << "\n";
    }
  });

  auto* del = client.add_subcommand("delete", "Delete a registered client");
  del->add_option("--id", id, "Client id")->required();
  del->callback([&data_dir] {
    call_or_exit(data_dir, {{"cmd", "client.delete"}, {"id", id}});
    std::cout << "deleted client " << id << "\n";
  });
}

}  // namespace cells::admin
