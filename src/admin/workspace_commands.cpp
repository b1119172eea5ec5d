#include "admin/workspace_commands.h"

#include <boost/json.hpp>
#include <iostream>
#include <map>

#include "admin/cli_support.h"
#include "core/clock.h"
#include "files/paths.h"

namespace cells::admin {

namespace json = boost::json;

void register_workspace_commands(ChannelServer& ch, store::WorkspaceStore& workspaces, files::FileTree& tree,
                                 identity::Accounts& accounts) {
  ch.add("workspace.create", [&](const json::object& r) -> Result<json::object> {
    auto slug = str(r, "slug");
    if (!files::valid_workspace_slug(slug) || slug == files::kPersonal || slug == files::kCommon)
      return err("invalid_input", "slug must be 1-64 of a-z, 0-9 and '-', and not a built-in workspace");
    auto name = str(r, "name");
    if (auto st = workspaces.create({slug, name.empty() ? slug : name, now_seconds()}); !st) return st.error();
    return json::object{};
  });
  ch.add("workspace.list", [&](const json::object&) -> Result<json::object> {
    auto all = workspaces.list();
    if (!all) return all.error();
    auto users = accounts.list();
    if (!users) return users.error();
    std::map<std::string, std::string> login_of;
    for (const auto& u : *users) login_of[u.id] = u.login;
    json::array out{json::object{{"slug", files::kPersonal}, {"name", "Personal files"}, {"grants", "every user, own tree"}},
                    json::object{{"slug", files::kCommon}, {"name", "Common files"}, {"grants", "every user, read-write"}}};
    for (const auto& w : *all) {
      auto grants = workspaces.grants(w.slug);
      if (!grants) return grants.error();
      std::string text;
      for (const auto& g : *grants)
        text += (text.empty() ? "" : ", ") + login_of[g.user_id] + ":" + (g.read ? "r" : "") + (g.write ? "w" : "");
      out.push_back(json::object{{"slug", w.slug}, {"name", w.name}, {"grants", text}});
    }
    return json::object{{"workspaces", out}};
  });
  ch.add("workspace.delete", [&](const json::object& r) -> Result<json::object> {
    auto slug = str(r, "slug");
    if (auto st = workspaces.remove(slug); !st) return st.error();
    if (auto st = tree.remove_workspace_tree(slug); !st) return st.error();
    return json::object{};
  });
  ch.add("workspace.grant", [&](const json::object& r) -> Result<json::object> {
    auto slug = str(r, "slug");
    auto ws = workspaces.find(slug);
    if (!ws) return ws.error();
    if (!ws->has_value()) return err("not_found", "no workspace '" + slug + "'");
    auto user = accounts.find(str(r, "login"));
    if (!user) return user.error();
    auto flag = [&](const char* k) {
      auto* v = r.if_contains(k);
      return v && v->is_bool() && v->as_bool();
    };
    if (auto st = workspaces.set_grant({slug, user->id, flag("read"), flag("write")}); !st) return st.error();
    return json::object{};
  });
}

void add_workspace_cli(CLI::App& workspace, const std::string& data_dir) {
  workspace.require_subcommand(1);
  static std::string slug, name, login;
  static bool read = false, write = false;

  auto* create = workspace.add_subcommand("create", "Create a workspace (paths then start with its slug)");
  create->add_option("--slug", slug, "Identifier: a-z, 0-9 and '-'")->required();
  create->add_option("--name", name, "Display name");
  create->callback([&data_dir] {
    call_or_exit(data_dir, {{"cmd", "workspace.create"}, {"slug", slug}, {"name", name}});
    std::cout << "created workspace " << slug << "\n";
  });

  workspace.add_subcommand("list", "List workspaces and who may use them")->callback([&data_dir] {
    auto a = call_or_exit(data_dir, {{"cmd", "workspace.list"}});
    std::cout << "SLUG\tNAME\tRIGHTS\n";
    for (const auto& v : a.at("workspaces").as_array()) {
      const auto& w = v.as_object();
      std::cout << str(w, "slug") << "\t" << str(w, "name") << "\t" << str(w, "grants") << "\n";
    }
  });

  auto* del = workspace.add_subcommand("delete", "Delete a workspace and all its files");
  del->add_option("--slug", slug, "Workspace")->required();
  del->callback([&data_dir] {
    call_or_exit(data_dir, {{"cmd", "workspace.delete"}, {"slug", slug}});
    std::cout << "deleted workspace " << slug << "\n";
  });

  auto* grant = workspace.add_subcommand("grant", "Set a user's rights on a workspace (no flag revokes them)");
  grant->add_option("--slug", slug, "Workspace")->required();
  grant->add_option("-u,--user", login, "Login")->required();
  grant->add_flag("--read", read, "May read");
  grant->add_flag("--write", write, "May write");
  grant->callback([&data_dir] {
    call_or_exit(data_dir, {{"cmd", "workspace.grant"}, {"slug", slug}, {"login", login}, {"read", read}, {"write", write}});
    std::cout << login << " on " << slug << ": " << (read ? "read " : "") << (write ? "write" : "")
              << (read || write ? "" : "no rights") << "\n";
  });
}

}  // namespace cells::admin
