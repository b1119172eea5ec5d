#include "admin/token_commands.h"

#include <boost/json.hpp>
#include <ctime>
#include <iostream>
#include <map>

#include "admin/cli_support.h"
#include "core/duration.h"

namespace cells::admin {

namespace json = boost::json;

namespace {

json::object token_json(const store::PersonalToken& t, const std::string& login) {
  return {{"id", t.id},
          {"label", t.label},
          {"user", login},
          {"created_at", t.created_at},
          {"last_used_at", t.last_used_at},
          {"expires_at", t.expires_at},
          {"window_seconds", t.window_seconds},
          {"max_expires_at", t.max_expires_at},
          {"scopes", json::array(t.scopes.begin(), t.scopes.end())}};
}

std::optional<std::int64_t> number(const json::object& r, const char* key) {
  auto* v = r.if_contains(key);
  if (!v || !v->is_int64()) return std::nullopt;
  return v->as_int64();
}

Result<tokens::NewPat> read_request(const json::object& r, identity::Accounts& accounts, files::FileTree& tree) {
  auto user = accounts.find(str(r, "login"));
  if (!user) return user.error();
  tokens::NewPat n{user->id, str(r, "label"), "admin-cli", number(r, "expire_seconds"), number(r, "window_seconds"), {}};
  auth::Principal owner{*user, auth::CredentialKind::password, "", "", {}, 0};
  if (auto* scopes = r.if_contains("scopes"); scopes && scopes->is_array())
    for (const auto& s : scopes->as_array()) {
      auto scope = tokens::parse_node_scope(s.is_string() ? std::string_view(s.as_string()) : "");
      if (!scope) return scope.error();
      // The node must exist and be accessible to the user in the first place.
      if (auto at = tree.stat_uuid(owner, scope->node_uuid); !at)
        return err("invalid_input", "node " + scope->node_uuid + " does not exist or is not accessible to " + user->login);
      n.scopes.push_back(*scope);
    }
  return n;
}

std::string when(std::int64_t t) {
  if (!t) return "-";
  std::time_t tt = t;
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&tt));
  return buf;
}

}  // namespace

void register_token_commands(ChannelServer& ch, tokens::PatService& pats, identity::Accounts& accounts,
                             files::FileTree& tree) {
  ch.add("token.create", [&](const json::object& r) -> Result<json::object> {
    auto request = read_request(r, accounts, tree);
    if (!request) return request.error();
    auto created = pats.create(*request);
    if (!created) return created.error();
    return json::object{{"token", created->token}, {"record", token_json(created->record, str(r, "login"))}};
  });
  ch.add("token.list", [&](const json::object& r) -> Result<json::object> {
    std::string user_id;
    if (auto login = str(r, "login"); !login.empty()) {
      auto user = accounts.find(login);
      if (!user) return user.error();
      user_id = user->id;
    }
    auto users = accounts.list();
    if (!users) return users.error();
    std::map<std::string, std::string> login_of;
    for (const auto& u : *users) login_of[u.id] = u.login;
    auto list = pats.list(user_id);
    if (!list) return list.error();
    json::array out;
    for (const auto& t : *list) out.push_back(token_json(t, login_of[t.user_id]));
    return json::object{{"tokens", out}};
  });
  ch.add("token.revoke", [&](const json::object& r) -> Result<json::object> {
    if (auto st = pats.revoke(str(r, "id")); !st) return st.error();
    return json::object{};
  });
}

void add_token_cli(CLI::App& user, const std::string& data_dir) {
  static std::string login, expire, label, list_login, revoke_id;
  static std::int64_t window = 0;
  static std::vector<std::string> scopes;
  static bool quiet = false;
  auto* token = user.add_subcommand("token", "Generate a personal authentication token for a user");
  token->footer(R"(DESCRIPTION

  Generate a personal authentication token for a user.

  Expiration can be either a "hard" limit, by using the -e flag and a golang duration, or a "sliding window"
  defined in seconds using the -a flag. A sliding token may also take -e as an absolute cap.

EXAMPLES

  Generate a token that lasts 24 hours for user admin
  $ cells admin user token -u admin -e 24h

  Generate a token that lasts by default 10mn, but which expiration is refreshed to the next 10mn each time
  token is used.
  $ cells admin user token -u admin -a 600

TOKEN USAGE

  These token can be used in replacement of an OAuth2-based access token : they can replace the "Bearer" access
  token when calling any REST API. They can also be used as the password (in conjunction with username) for all
  basic-auth based APIs (e.g. webDAV).

TOKEN SCOPE

  By default, generated tokens grant the same level of access as a standard login operation. To improve security,
  it is possible to restrict these accesses to a specific file or folder (given it is accessible by the user in
  first place) with a "scope" in the format "node:NODE_UUID:PERMISSION" where PERMISSION string contains either "r"
  (read) or "w" (write) or both.)");
  token->add_option("-u,--user", login, "User login (mandatory)");
  token->add_option("-e,--expire", expire, "Expire after (golang duration format, also 30d)");
  token->add_option("-a,--auto", window, "Auto-refresh (number of seconds, see help)");
  token->add_option("-s,--scope", scopes, "Optional scopes (node:NODE_UUID:r|w|rw), repeatable");
  token->add_option("--label", label, "A label to recognize the token by in listings");
  token->add_flag("-q,--quiet", quiet, "Print only the token");

  auto* list = token->add_subcommand("list", "List personal access tokens (never the tokens themselves)");
  list->add_option("-u,--user", list_login, "Only this user's tokens");
  list->callback([&data_dir] {
    auto a = call_or_exit(data_dir, {{"cmd", "token.list"}, {"login", list_login}});
    std::cout << "ID\tLABEL\tUSER\tCREATED\tLAST USED\tEXPIRES\tSCOPES\n";
    for (const auto& v : a.at("tokens").as_array()) {
      const auto& t = v.as_object();
      std::string sc;
      for (const auto& s : t.at("scopes").as_array()) sc += (sc.empty() ? "" : ",") + std::string(s.as_string());
      std::cout << str(t, "id") << "\t" << str(t, "label") << "\t" << str(t, "user") << "\t"
                << when(t.at("created_at").as_int64()) << "\t" << when(t.at("last_used_at").as_int64()) << "\t"
                << when(t.at("expires_at").as_int64()) << (t.at("window_seconds").as_int64() ? " (sliding)" : "") << "\t"
                << (sc.empty() ? "-" : sc) << "\n";
    }
  });
  auto* revoke = token->add_subcommand("revoke", "Revoke a personal access token by id");
  revoke->add_option("id", revoke_id, "Token id (see list)")->required();
  revoke->callback([&data_dir] {
    call_or_exit(data_dir, {{"cmd", "token.revoke"}, {"id", revoke_id}});
    std::cout << "revoked token " << revoke_id << "\n";
  });

  token->callback([&data_dir, token, list, revoke] {
    if (list->parsed() || revoke->parsed()) return;
    if (login.empty()) {
      std::cerr << "error: -u/--user is required\n" << token->help();
      std::exit(1);
    }
    json::object req{{"cmd", "token.create"}, {"login", login}, {"label", label},
                     {"scopes", json::array(scopes.begin(), scopes.end())}};
    if (!expire.empty()) {
      auto seconds = parse_duration(expire);
      if (!seconds) {
        std::cerr << "error: -e: " << seconds.error().message << "\n";
        std::exit(1);
      }
      req["expire_seconds"] = *seconds;
    }
    if (token->count("--auto")) {
      if (window <= 0) {
        std::cerr << "error: -a must be a positive number of seconds\n";
        std::exit(1);
      }
      req["window_seconds"] = window;
    }
    auto a = call_or_exit(data_dir, req);
    if (quiet) {
      std::cout << str(a, "token") << "\n";
      return;
    }
    const auto& r = a.at("record").as_object();
    std::cout << "Token (shown once): " << str(a, "token") << "\nId: " << str(r, "id") << "\nExpires: "
              << when(r.at("expires_at").as_int64())
              << (r.at("window_seconds").as_int64() ? " (sliding: each use extends it)" : "") << "\n";
  });
}

}  // namespace cells::admin
