#include "admin/user_commands.h"

#include <boost/json.hpp>
#include <iostream>

#include "admin/cli_support.h"

namespace cells::admin {

namespace json = boost::json;

namespace {
json::object user_json(const store::User& u) {
  return {{"id", u.id}, {"login", u.login}, {"name", u.name}, {"email", u.email}, {"admin", u.is_admin},
          {"created_at", u.created_at}};
}
Result<json::object> done(const Status& st) {
  if (!st) return st.error();
  return json::object{};
}
}  // namespace

void register_user_commands(ChannelServer& ch, identity::Accounts& accounts) {
  ch.add("user.create", [&](const json::object& r) -> Result<json::object> {
    auto user = accounts.create({str(r, "login"), str(r, "password"), str(r, "email"), str(r, "name"), false});
    if (!user) return user.error();
    return json::object{{"user", user_json(*user)}};
  });
  ch.add("user.list", [&](const json::object&) -> Result<json::object> {
    auto users = accounts.list();
    if (!users) return users.error();
    json::array out;
    for (const auto& u : *users) out.push_back(user_json(u));
    return json::object{{"users", out}};
  });
  ch.add("user.set_password", [&](const json::object& r) { return done(accounts.set_password(str(r, "login"), str(r, "password"))); });
  ch.add("user.delete", [&](const json::object& r) { return done(accounts.remove(str(r, "login"))); });
  ch.add("user.unlock", [&](const json::object& r) { return done(accounts.unlock(str(r, "login"))); });
}

void add_user_cli(CLI::App& user, const std::string& data_dir) {
  user.require_subcommand(1);
  static std::string login, email, name;
  static bool password_stdin = false;

  auto* create = user.add_subcommand("create", "Create a user (password read from standard input)");
  create->add_option("-u,--user,--login", login, "Login (unique, case-insensitive)")->required();
  create->add_flag("--password-stdin", password_stdin, "Read the password from standard input")->required();
  create->add_option("--email", email, "E-mail address");
  create->add_option("--name", name, "Display name");
  create->callback([&data_dir] {
    auto pw = read_secret_stdin("password");
    auto a = call_or_exit(data_dir, {{"cmd", "user.create"}, {"login", login}, {"password", pw}, {"email", email}, {"name", name}});
    std::cout << "created user " << login << " id=" << str(a.at("user").as_object(), "id") << "\n";
  });

  auto* list = user.add_subcommand("list", "List users");
  list->callback([&data_dir] {
    auto a = call_or_exit(data_dir, {{"cmd", "user.list"}});
    std::cout << "LOGIN\tID\tNAME\tEMAIL\n";
    for (const auto& v : a.at("users").as_array()) {
      const auto& u = v.as_object();
      std::cout << str(u, "login") << "\t" << str(u, "id") << "\t" << str(u, "name") << "\t" << str(u, "email") << "\n";
    }
  });

  auto* setpw = user.add_subcommand("set-password", "Change a user's password (read from standard input)");
  setpw->add_option("-u,--user,--login", login, "Login")->required();
  setpw->add_flag("--password-stdin", password_stdin, "Read the password from standard input")->required();
  setpw->callback([&data_dir] {
    auto pw = read_secret_stdin("password");
    call_or_exit(data_dir, {{"cmd", "user.set_password"}, {"login", login}, {"password", pw}});
    std::cout << "password changed for " << login << "\n";
  });

  auto* del = user.add_subcommand("delete", "Delete a user");
  del->add_option("-u,--user,--login", login, "Login")->required();
  del->callback([&data_dir] {
    call_or_exit(data_dir, {{"cmd", "user.delete"}, {"login", login}});
    std::cout << "deleted user " << login << "\n";
  });

  auto* unlock = user.add_subcommand("unlock", "Clear a user's failed-login lock");
  unlock->add_option("-u,--user,--login", login, "Login")->required();
  unlock->callback([&data_dir] {
    call_or_exit(data_dir, {{"cmd", "user.unlock"}, {"login", login}});
    std::cout << "unlocked " << login << "\n";
  });
}

}  // namespace cells::admin
