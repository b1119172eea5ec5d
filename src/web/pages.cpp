#include "web/pages.h"

#include <kainjow/mustache.hpp>

#include <stdexcept>
#include <string>

#include "web/assets.h"

namespace cells::web {
namespace {

using kainjow::mustache::data;
using kainjow::mustache::mustache;

constexpr std::string_view html_suffix = ".html";
constexpr std::string_view layout_name = "layout";

// Every web/*.html template, parsed once, by name without ".html".
//
// Templates are shared by all threads without a lock: kainjow's render() is not declared const,
// but with data made only of strings (no partials, no lambdas) it only reads the parsed tree;
// its one member write (error_message_) happens only on partial/lambda errors, which cannot
// occur here.
std::map<std::string, mustache, std::less<>>& templates() {
  static std::map<std::string, mustache, std::less<>> parsed = [] {
    std::map<std::string, mustache, std::less<>> m;
    for (const auto& [file, text] : assets()) {
      if (file.size() <= html_suffix.size() || !file.ends_with(html_suffix)) continue;
      std::string name(file.substr(0, file.size() - html_suffix.size()));
      mustache tmpl{std::string(text)};
      if (!tmpl.is_valid())
        throw std::logic_error("web/" + std::string(file) + ": " + tmpl.error_message());
      m.emplace(std::move(name), std::move(tmpl));
    }
    if (!m.contains(layout_name)) throw std::logic_error("web/layout.html is not embedded");
    return m;
  }();
  return parsed;
}

// The <title> of pages whose caller gives none.
std::string default_title(std::string_view page) {
  if (page == "login") return "Sign in";
  if (page == "oob") return "Authorization code";
  if (page == "logout") return "Sign out";
  if (page == "logged_out") return "Signed out";
  if (page == "error") return "Error";
  return "";
}

// Empty values are left out, so that sections treat them as false and variables render nothing.
data to_data(const Vars& vars) {
  data d{data::type::object};
  for (const auto& [k, v] : vars)
    if (!v.empty()) d.set(k, v);
  return d;
}

}  // namespace

std::string render(std::string_view page, const Vars& vars) {
  auto& all = templates();
  auto it = all.find(page);
  if (it == all.end() || page == layout_name)
    throw std::invalid_argument("no such page: " + std::string(page));

  data d = to_data(vars);
  std::string body = it->second.render(d);
  if (!it->second.is_valid()) throw std::logic_error("web/" + std::string(page) + ".html: " + it->second.error_message());

  // The page is already rendered and escaped; the layout inserts it verbatim ({{{body}}}).
  d.set("body", body);
  if (auto t = vars.find("title"); t == vars.end() || t->second.empty()) d.set("title", default_title(page));
  auto& layout = all.find(layout_name)->second;
  std::string out = layout.render(d);
  if (!layout.is_valid()) throw std::logic_error("web/layout.html: " + layout.error_message());
  return out;
}

}  // namespace cells::web
