#include <gtest/gtest.h>

#include <regex>
#include <set>
#include <stdexcept>
#include <string>
#include <variant>

#include "http/router.h"
#include "web/pages.h"
#include "web/static_files.h"

namespace {

using cells::web::render;
using cells::web::Vars;

bool has(const std::string& html, const std::string& needle) { return html.find(needle) != std::string::npos; }

std::size_t count(const std::string& html, const std::string& needle) {
  std::size_t n = 0;
  for (auto pos = html.find(needle); pos != std::string::npos; pos = html.find(needle, pos + needle.size())) ++n;
  return n;
}

// The `name` attributes of the form controls (input, button, textarea, select), in order.
std::multiset<std::string> field_names(const std::string& html) {
  static const std::regex control(R"re(<(input|textarea|select)\b[^>]*\bname="([^"]*)")re");
  std::multiset<std::string> names;
  for (auto it = std::sregex_iterator(html.begin(), html.end(), control); it != std::sregex_iterator(); ++it)
    names.insert((*it)[2]);
  return names;
}

// The whole <tag ...> that contains `needle`.
std::string tag_with(const std::string& html, const std::string& needle) {
  auto pos = html.find(needle);
  if (pos == std::string::npos) return {};
  auto start = html.rfind('<', pos);
  auto end = html.find('>', pos);
  return html.substr(start, end - start + 1);
}

const std::string evil = "<script>alert(\"x\")</script>";
const std::string escaped = "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;";

TEST(Pages, EveryPageRendersInsideTheLayout) {
  for (const char* page : {"login", "oob", "logout", "logged_out", "error"}) {
    SCOPED_TRACE(page);
    std::string html = render(page, {});
    EXPECT_TRUE(html.starts_with("<!doctype html>"));
    EXPECT_TRUE(has(html, R"(<meta name="viewport" content="width=device-width, initial-scale=1">)"));
    EXPECT_TRUE(has(html, R"(<link rel="stylesheet" href="/static/style.css">)"));
    EXPECT_TRUE(has(html, "<main class=\"card\">"));
    EXPECT_TRUE(has(html, "</html>"));
    EXPECT_FALSE(has(html, "{{"));
    EXPECT_FALSE(has(html, "}}"));
    // No external resources, no inline script or style (the CSP forbids them).
    EXPECT_FALSE(has(html, "http://"));
    EXPECT_FALSE(has(html, "https://"));
    EXPECT_FALSE(has(html, "<style"));
    EXPECT_FALSE(has(html, " style="));
    EXPECT_FALSE(has(html, " on"));  // onclick=, onload=, ...
    EXPECT_EQ(count(html, "<script"), count(html, "<script src=\"/static/copy.js\" defer></script>"));
  }
}

TEST(Pages, UnknownPageThrows) {
  EXPECT_THROW(render("nope", {}), std::invalid_argument);
  EXPECT_THROW(render("layout", {}), std::invalid_argument);
  EXPECT_THROW(render("login.html", {}), std::invalid_argument);
  EXPECT_THROW(render("style", {}), std::invalid_argument);
  EXPECT_THROW(render("", {}), std::invalid_argument);
}

TEST(Pages, TitleDefaultsAndEscapes) {
  EXPECT_TRUE(has(render("login", {}), "<title>Sign in · Cells</title>"));
  EXPECT_TRUE(has(render("logged_out", {}), "<title>Signed out · Cells</title>"));
  std::string html = render("error", {{"title", evil}, {"message", "m"}});
  EXPECT_TRUE(has(html, "<title>" + escaped + " · Cells</title>"));
  EXPECT_FALSE(has(html, "<script>"));
}

TEST(Pages, LoginForm) {
  std::string html = render("login", {{"action", "/authorize/login"},
                                      {"csrf", "tok123"},
                                      {"request", "req456"},
                                      {"login", "alice@example.org"},
                                      {"client_name", "Mail"}});
  EXPECT_TRUE(has(html, "<h1>Sign in to Cells</h1>"));
  EXPECT_TRUE(has(html, "to continue to <strong>Mail</strong>"));
  EXPECT_EQ(count(html, "<form"), 1u);
  EXPECT_TRUE(has(html, R"(<form method="post" action="/authorize/login">)"));
  EXPECT_EQ(field_names(html), (std::multiset<std::string>{"csrf", "request", "login", "password"}));

  EXPECT_EQ(tag_with(html, R"(name="csrf")"), R"(<input type="hidden" name="csrf" value="tok123">)");
  EXPECT_EQ(tag_with(html, R"(name="request")"), R"(<input type="hidden" name="request" value="req456">)");

  std::string login = tag_with(html, R"(name="login")");
  EXPECT_TRUE(has(login, R"(value="alice@example.org")"));
  EXPECT_TRUE(has(login, R"(autocomplete="username")"));
  EXPECT_TRUE(has(login, " required"));
  EXPECT_TRUE(has(login, " autofocus"));

  std::string password = tag_with(html, R"(name="password")");
  EXPECT_TRUE(has(password, R"(type="password")"));
  EXPECT_TRUE(has(password, R"(autocomplete="current-password")"));
  EXPECT_TRUE(has(password, " required"));
  EXPECT_FALSE(has(password, "value="));

  EXPECT_EQ(count(html, "<button"), 1u);
  EXPECT_TRUE(has(html, R"(<button type="submit" class="primary">Sign in</button>)"));
  // Plain HTML form: no script needed.
  EXPECT_FALSE(has(html, "<script"));
}

TEST(Pages, LoginErrorAndClientNameToggle) {
  std::string plain = render("login", {{"error", ""}, {"client_name", ""}});
  EXPECT_FALSE(has(plain, "role=\"alert\""));
  EXPECT_FALSE(has(plain, "id=\"error\""));
  EXPECT_FALSE(has(plain, "to continue to"));
  EXPECT_FALSE(has(plain, "aria-describedby"));

  std::string with = render("login", {{"error", "Wrong password."}, {"client_name", "Mail"}});
  EXPECT_TRUE(has(with, R"(<p class="error" role="alert" id="error">Wrong password.</p>)"));
  EXPECT_TRUE(has(with, "to continue to"));
  EXPECT_TRUE(has(tag_with(with, R"(name="login")"), R"(aria-describedby="error")"));
}

TEST(Pages, LoginEscapesUserValues) {
  std::string html = render("login", {{"action", evil},
                                      {"csrf", evil},
                                      {"request", evil},
                                      {"login", "\"><script>x</script>"},
                                      {"client_name", evil},
                                      {"error", evil}});
  EXPECT_FALSE(has(html, "<script"));
  EXPECT_TRUE(has(html, "action=\"" + escaped + "\""));
  EXPECT_TRUE(has(html, "<strong>" + escaped + "</strong>"));
  EXPECT_TRUE(has(html, "id=\"error\">" + escaped + "</p>"));
  EXPECT_TRUE(has(html, R"(value="&quot;&gt;&lt;script&gt;x&lt;/script&gt;")"));
  EXPECT_EQ(field_names(html), (std::multiset<std::string>{"csrf", "request", "login", "password"}));
  // Values are not template text.
  EXPECT_TRUE(has(render("login", {{"login", "{{csrf}}"}, {"csrf", "secret"}}), R"(value="{{csrf}}")"));
}

TEST(Pages, OobShowsCode) {
  std::string html = render("oob", {{"code", "abc-DEF_123"}});
  EXPECT_TRUE(has(html, "<h1>Authorization code</h1>"));
  EXPECT_TRUE(has(html, "Paste this code into the application that asked for it."));
  // Exactly the code between the tags: textarea content is its value.
  EXPECT_TRUE(has(html, ">abc-DEF_123</textarea>"));
  std::string textarea = tag_with(html, R"(id="code")");
  EXPECT_TRUE(textarea.starts_with("<textarea"));
  EXPECT_TRUE(has(textarea, " readonly"));
  EXPECT_TRUE(has(tag_with(html, R"(id="copy")"), "<button"));
  EXPECT_TRUE(has(html, ">Copy</button>"));
  EXPECT_EQ(count(html, R"(<script src="/static/copy.js" defer></script>)"), 1u);
  EXPECT_FALSE(has(html, "role=\"alert\""));
}

TEST(Pages, OobErrorReplacesCode) {
  std::string html = render("oob", {{"code", "abc"}, {"error", "access_denied: the user said no"}});
  EXPECT_TRUE(has(html, "access_denied: the user said no"));
  EXPECT_TRUE(has(html, "role=\"alert\""));
  EXPECT_FALSE(has(html, "id=\"code\""));
  EXPECT_FALSE(has(html, "id=\"copy\""));
  EXPECT_FALSE(has(html, ">abc<"));
  EXPECT_FALSE(has(html, "<script"));
}

TEST(Pages, OobEscapesCodeAndError) {
  std::string code = render("oob", {{"code", evil}});
  EXPECT_TRUE(has(code, ">" + escaped + "</textarea>"));
  EXPECT_EQ(count(code, "<script"), 1u);  // only copy.js
  std::string error = render("oob", {{"error", evil}});
  EXPECT_TRUE(has(error, escaped));
  EXPECT_FALSE(has(error, "<script"));
}

TEST(Pages, LogoutFormEmitsOnlyGivenHiddenFields) {
  std::string bare = render("logout", {{"action", "/logout"}});
  EXPECT_TRUE(has(bare, "<h1>Sign out of Cells?</h1>"));
  EXPECT_TRUE(has(bare, R"(<form method="post" action="/logout">)"));
  EXPECT_TRUE(field_names(bare).empty());
  EXPECT_TRUE(has(bare, R"(<button type="submit" name="confirm" value="yes" class="primary">Sign out</button>)"));
  EXPECT_TRUE(has(bare, R"(<button type="submit" name="confirm" value="no">Cancel</button>)"));

  std::string full = render("logout", {{"action", "/logout"},
                                       {"csrf", "c"},
                                       {"client_name", "Mail"},
                                       {"post_logout_redirect_uri", "https://rp.example/bye?a=1&b=2"},
                                       {"state", "s"},
                                       {"id_token_hint", "eyJ.x.y"}});
  EXPECT_EQ(field_names(full),
            (std::multiset<std::string>{"csrf", "post_logout_redirect_uri", "state", "id_token_hint"}));
  EXPECT_TRUE(has(full, R"(<input type="hidden" name="csrf" value="c">)"));
  EXPECT_TRUE(has(full, R"(value="https://rp.example/bye?a=1&amp;b=2")"));
  EXPECT_TRUE(has(full, R"(<input type="hidden" name="state" value="s">)"));
  EXPECT_TRUE(has(full, R"(<input type="hidden" name="id_token_hint" value="eyJ.x.y">)"));
  EXPECT_TRUE(has(full, "<strong>Mail</strong>"));

  std::string partial = render("logout", {{"csrf", "c"}, {"state", "s"}, {"id_token_hint", ""}});
  EXPECT_EQ(field_names(partial), (std::multiset<std::string>{"csrf", "state"}));
}

TEST(Pages, LogoutEscapes) {
  std::string html = render("logout", {{"action", evil},
                                       {"csrf", evil},
                                       {"client_name", evil},
                                       {"post_logout_redirect_uri", evil},
                                       {"state", evil},
                                       {"id_token_hint", evil}});
  EXPECT_FALSE(has(html, "<script"));
  EXPECT_EQ(count(html, escaped), 6u);
}

TEST(Pages, LoggedOut) {
  std::string html = render("logged_out", {{"anything", evil}});
  EXPECT_TRUE(has(html, "You are signed out."));
  EXPECT_FALSE(has(html, "<form"));
  EXPECT_FALSE(has(html, "<script"));
}

TEST(Pages, ErrorPage) {
  std::string html = render("error", {{"title", "Unknown client"}, {"message", "The client_id is not registered."}});
  EXPECT_TRUE(has(html, "<h1>Unknown client</h1>"));
  EXPECT_TRUE(has(html, "The client_id is not registered."));
  EXPECT_TRUE(has(html, "<title>Unknown client · Cells</title>"));

  std::string bare = render("error", {});
  EXPECT_TRUE(has(bare, "<h1>Something went wrong</h1>"));
  EXPECT_FALSE(has(bare, "role=\"alert\""));

  std::string bad = render("error", {{"title", evil}, {"message", evil}});
  EXPECT_FALSE(has(bad, "<script"));
  EXPECT_EQ(count(bad, escaped), 3u);  // <title>, <h1>, message
}

TEST(Pages, CallerCannotInjectBody) {
  std::string html = render("logged_out", {{"body", evil}});
  EXPECT_FALSE(has(html, "<script"));
  EXPECT_TRUE(has(html, "You are signed out."));
}

cells::http::Response get(const cells::http::Router& router, const std::string& method, const std::string& path) {
  cells::http::Request req;
  req.method = method;
  req.path = path;
  auto m = router.match(req);
  if (auto* r = std::get_if<cells::http::Response>(&m)) return *r;
  return std::get<const cells::http::Route*>(m)->handler(req);
}

TEST(Static, ServesStylesheet) {
  cells::http::Router router;
  cells::web::add_static_routes(router);
  auto r = get(router, "GET", "/static/style.css");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.header("Content-Type"), "text/css; charset=utf-8");
  EXPECT_EQ(r.header("Cache-Control"), "public, max-age=3600");
  EXPECT_EQ(r.header("X-Content-Type-Options"), "nosniff");
  EXPECT_TRUE(has(r.body, ".card"));
}

TEST(Static, ServesScript) {
  cells::http::Router router;
  cells::web::add_static_routes(router);
  auto r = get(router, "GET", "/static/copy.js");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.header("Content-Type"), "text/javascript; charset=utf-8");
  EXPECT_EQ(r.header("Cache-Control"), "public, max-age=3600");
  EXPECT_EQ(r.header("X-Content-Type-Options"), "nosniff");
  EXPECT_TRUE(has(r.body, "navigator.clipboard.writeText"));
  EXPECT_TRUE(has(r.body, "execCommand('copy')"));
}

TEST(Static, OnlyTheListedFiles) {
  cells::http::Router router;
  cells::web::add_static_routes(router);
  EXPECT_EQ(get(router, "GET", "/static/login.html").status, 404);
  EXPECT_EQ(get(router, "GET", "/static/").status, 404);
  EXPECT_EQ(get(router, "POST", "/static/style.css").status, 405);
}

}  // namespace
