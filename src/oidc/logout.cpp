// OpenID Connect RP-Initiated Logout 1.0: a confirmation page (CSRF-protected POST), then the
// session ends and the browser goes back to post_logout_redirect_uri — only if it is registered
// for the client named by id_token_hint (aud) or client_id — with state.
#include <boost/json.hpp>

#include "oidc/authorize/flow.h"
#include "oidc/authorize/request.h"
#include "oidc/clients/redirect_uri.h"
#include "oidc/clients/registry.h"
#include "oidc/endpoints.h"
#include "oidc/session.h"
#include "oidc/token_verify.h"
#include "web/pages.h"

namespace cells::oidc {

namespace {

struct LogoutRequest {
  std::string client_id;
  std::string client_name;
  std::string post_logout_redirect_uri;
  std::string state;
  std::string id_token_hint;
};

std::variant<LogoutRequest, PageError> read_logout(Provider& p, const http::Form& f) {
  LogoutRequest r{f.get_or("client_id"), "", f.get_or("post_logout_redirect_uri"), f.get_or("state"),
                  f.get_or("id_token_hint")};
  if (!r.id_token_hint.empty()) {
    auto claims = verify_id_token_hint(p, r.id_token_hint);
    if (!claims) return PageError{"Invalid sign-out request", "The id_token_hint is not valid."};
    auto* aud = claims->if_contains("aud");
    std::string hinted = aud && aud->is_string() ? std::string(aud->as_string()) : "";
    if (!r.client_id.empty() && r.client_id != hinted)
      return PageError{"Invalid sign-out request", "client_id does not match the id_token_hint."};
    r.client_id = hinted;
  }
  if (r.client_id.empty()) {
    if (!r.post_logout_redirect_uri.empty())
      return PageError{"Invalid sign-out request", "post_logout_redirect_uri needs id_token_hint or client_id."};
    return r;
  }
  auto client = p.clients.find(r.client_id);
  if (!client || !client->has_value()) return PageError{"Invalid sign-out request", "Unknown application."};
  r.client_name = (*client)->name;
  if (!r.post_logout_redirect_uri.empty() && !client_allows_redirect(**client, r.post_logout_redirect_uri))
    return PageError{"Invalid sign-out request", "post_logout_redirect_uri is not registered for this application."};
  return r;
}

http::Response confirm_page(Provider& p, const LogoutRequest& r) {
  auto [csrf, cookie] = new_csrf(p);
  auto res = http::Response::html(200, web::render("logout", {{"action", p.url("/oauth2/sessions/logout")},
                                                             {"csrf", csrf},
                                                             {"client_name", r.client_name},
                                                             {"post_logout_redirect_uri", r.post_logout_redirect_uri},
                                                             {"state", r.state},
                                                             {"id_token_hint", r.id_token_hint}}));
  res.headers.emplace_back("Set-Cookie", cookie);
  return res;
}

http::Response finish(const LogoutRequest& r) {
  if (r.post_logout_redirect_uri.empty()) return http::Response::html(200, web::render("logged_out", {}));
  std::string target = r.post_logout_redirect_uri;
  if (!r.state.empty())
    target += (target.find('?') == std::string::npos ? "?" : "&") + std::string("state=") + http::percent_encode(r.state);
  return http::Response::redirect(target);
}

}  // namespace

http::Response logout(Provider& p, http::Request& req) {
  auto params = http::request_params(req);
  if (!params) return error_page(400, "Invalid sign-out request", params.error().message);
  auto read = read_logout(p, *params);
  if (auto* e = std::get_if<PageError>(&read)) return error_page(400, e->title, e->message);
  auto& r = std::get<LogoutRequest>(read);
  auto confirm = params->get("confirm");
  if (req.method != "POST" || !confirm) return confirm_page(p, r);
  if (!csrf_ok(p, req, params->get_or("csrf"))) return confirm_page(p, r);
  if (*confirm != "yes") return error_page(200, "Still signed in", "You cancelled signing out.");
  auto res = finish(r);
  res.headers.emplace_back("Set-Cookie", end_session(p, req));
  return res;
}

http::Response oob(Provider& p, http::Request& req) {
  auto params = http::Form::parse(req.query);
  if (!params) return error_page(400, "Invalid request", params.error().message);
  std::string error = params->get_or("error");
  if (!error.empty()) error += ": " + params->get_or("error_description");
  auto code = params->get_or("code");
  if (code.empty() && error.empty()) error = "No authorization code was received.";
  return http::Response::html(200, web::render("oob", {{"code", code}, {"error", error}}));
}

}  // namespace cells::oidc
