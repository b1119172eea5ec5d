// The login page (GET /oauth2/login) and its form (POST). The pending authorization request
// travels as the `request` field (its re-encoded parameters), so any node can resume it.
#include "identity/accounts.h"
#include "oidc/authorize/flow.h"
#include "oidc/clients/registry.h"
#include "oidc/endpoints.h"
#include "oidc/session.h"
#include "web/pages.h"

namespace cells::oidc {

namespace {

constexpr std::size_t kMaxRequestBytes = 8192;

std::string client_name(Provider& p, const http::Form& request) {
  auto id = request.get("client_id");
  if (!id) return {};
  auto c = p.clients.find(*id);
  return c && c->has_value() ? (*c)->name : std::string();
}

http::Response render_login(Provider& p, int status, const std::string& encoded, const http::Form& request,
                            const std::string& login, const std::string& error) {
  auto [csrf, cookie] = new_csrf(p);
  auto r = http::Response::html(status, web::render("login", {{"action", p.config.site_url + "/oauth2/login"},
                                                              {"csrf", csrf},
                                                              {"request", encoded},
                                                              {"login", login},
                                                              {"client_name", client_name(p, request)},
                                                              {"error", error}}));
  r.headers.emplace_back("Set-Cookie", cookie);
  return r;
}

}  // namespace

http::Response login_page(Provider& p, http::Request& req) {
  if (req.query.size() > kMaxRequestBytes) return error_page(400, "Invalid request", "The request is too long.");
  auto request = http::Form::parse(req.query);
  if (!request || !request->get("client_id"))
    return error_page(400, "Invalid request", "Sign-in must start from an application.");
  return render_login(p, 200, req.query, *request, request->get_or("login_hint"), "");
}

http::Response login_submit(Provider& p, http::Request& req) {
  auto form = http::request_params(req);
  if (!form) return error_page(400, "Invalid request", form.error().message);
  auto encoded = form->get_or("request");
  auto request = http::Form::parse(encoded);
  if (encoded.size() > kMaxRequestBytes || !request || !request->get("client_id"))
    return error_page(400, "Invalid request", "Sign-in must start from an application.");
  auto login = form->get_or("login");
  if (!csrf_ok(p, req, form->get_or("csrf")))
    return render_login(p, 403, encoded, *request, login, "Your session expired. Please sign in again.");

  auto user = p.accounts.authenticate(login, form->get_or("password"), req.remote);
  if (!user) {
    const auto& e = user.error();
    if (e.code == "locked") return render_login(p, 429, encoded, *request, login, e.message);
    if (e.code == "unavailable") return render_login(p, 503, encoded, *request, login, "Please try again in a moment.");
    return render_login(p, 401, encoded, *request, login, "Wrong login or password.");
  }
  auto started = start_session(p, *user);
  if (!started) return render_login(p, 503, encoded, *request, login, "Please try again in a moment.");
  auto res = run_authorization(p, *request, req, &started->first);
  res.headers.emplace_back("Set-Cookie", started->second);
  return res;
}

}  // namespace cells::oidc
