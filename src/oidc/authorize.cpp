// RFC 6749 §4.1.1 / OIDC Core §3.1.2: the authorization endpoint, as an ordered list of checks
// (oidc/authorize/checks.cpp), then the session decision, then the code.
#include <boost/json.hpp>

#include "core/clock.h"
#include "core/uuid.h"
#include "crypto/hash.h"
#include "oidc/authorize/flow.h"
#include "oidc/authorize/request.h"
#include "oidc/endpoints.h"
#include "oidc/token_verify.h"
#include "web/pages.h"

namespace cells::oidc {

http::Response error_page(int status, const std::string& title, const std::string& message) {
  return http::Response::html(status, web::render("error", {{"title", title}, {"message", message}}));
}

namespace {

using Check = std::optional<OAuthError> (*)(AuthorizationRequest&, const http::Form&);
constexpr Check kChecks[] = {check_response_type, check_scope, check_pkce, check_prompt, check_max_age};

enum class Need { nothing, login };

// Whether the user must (re-)authenticate, given the session and prompt/max_age/id_token_hint.
Result<Need> login_needed(Provider& p, const AuthorizationRequest& r, const std::optional<ActiveSession>& s, bool fresh) {
  if (!s) return Need::login;
  if (!fresh && r.prompt.count("login")) return Need::login;
  if (!fresh && r.max_age && now_seconds() - s->session.auth_time > *r.max_age) return Need::login;
  if (!r.id_token_hint.empty()) {
    auto hint = verify_id_token_hint(p, r.id_token_hint);
    if (!hint) return hint.error();
    auto* sub = hint->if_contains("sub");
    if (!sub || !sub->is_string() || sub->as_string() != s->user.id) return Need::login;
  }
  return Need::nothing;
}

http::Response to_login_page(const Provider& p, const AuthorizationRequest& r) {
  return http::Response::redirect(p.config.site_url + "/oauth2/login?" + r.encoded);
}

http::Response issue_code(Provider& p, const AuthorizationRequest& r, const ActiveSession& s) {
  auto code = crypto::random_token(32);
  store::AuthorizationCode c{crypto::secret_digest(code), new_uuid(), r.client.id, s.user.id, r.redirect_uri,
                             join_scopes(r.scopes), r.nonce, r.code_challenge, s.session.sid, s.session.auth_time,
                             now_seconds() + p.lifetimes.code};
  if (auto st = p.codes.save(c); !st) return redirect_error(p, r, server_unavailable());
  return redirect_code(p, r, code);
}

}  // namespace

http::Response run_authorization(Provider& p, const http::Form& params, const http::Request& req,
                                 const ActiveSession* fresh) {
  auto read = read_client_and_redirect(p, params);
  if (auto* e = std::get_if<PageError>(&read)) return error_page(400, e->title, e->message);
  auto& r = std::get<AuthorizationRequest>(read);
  if (auto e = check_repeated_parameters(params)) return redirect_error(p, r, *e);
  if (auto e = check_unsupported(params)) return redirect_error(p, r, *e);
  for (auto check : kChecks)
    if (auto e = check(r, params)) return redirect_error(p, r, *e);

  std::optional<ActiveSession> session;
  if (fresh) {
    session = *fresh;
  } else {
    auto current = current_session(p, req);
    if (!current) return redirect_error(p, r, server_unavailable());
    session = std::move(*current);
  }
  auto need = login_needed(p, r, session, fresh != nullptr);
  if (!need) return redirect_error(p, r, invalid_request("id_token_hint is not valid"));
  if (*need == Need::login) {
    if (r.prompt.count("none")) return redirect_error(p, r, {"login_required", "the user must sign in", 400});
    return to_login_page(p, r);
  }
  return issue_code(p, r, *session);
}

http::Response authorize(Provider& p, http::Request& req) {
  auto params = http::request_params(req);
  if (!params) return error_page(400, "Invalid request", params.error().message);
  return run_authorization(p, *params, req, nullptr);
}

}  // namespace cells::oidc
