#include "oidc/session.h"

#include "core/clock.h"
#include "core/uuid.h"
#include "crypto/hash.h"
#include "http/form.h"

namespace cells::oidc {

namespace {
std::string cookie_name(const Provider& p, const char* base) {
  return (p.config.site_is_https() ? "__Host-" : "") + std::string(base);
}

std::string set_cookie(const Provider& p, const std::string& name, const std::string& value, std::int64_t max_age) {
  std::string c = name + "=" + value + "; Path=/; HttpOnly; SameSite=Lax; Max-Age=" + std::to_string(max_age);
  if (p.config.site_is_https()) c += "; Secure";
  return c;
}

constexpr const char* kSession = "cells_session";
constexpr const char* kCsrf = "cells_csrf";
}  // namespace

Result<std::optional<ActiveSession>> current_session(Provider& p, const http::Request& req) {
  auto value = http::cookie(req, cookie_name(p, kSession));
  if (!value || value->size() > 128) return std::optional<ActiveSession>();
  auto s = p.sessions.find(crypto::secret_digest(*value), now_seconds());
  if (!s) return s.error();
  if (!s->has_value()) return std::optional<ActiveSession>();
  auto u = p.users.find_by_id((*s)->user_id);
  if (!u) return u.error();
  if (!u->has_value()) return std::optional<ActiveSession>();
  // A password change ends the sessions that started before it.
  if ((*u)->password_changed_at > (*s)->auth_time) return std::optional<ActiveSession>();
  return std::optional<ActiveSession>(ActiveSession{**s, **u});
}

Result<std::pair<ActiveSession, std::string>> start_session(Provider& p, const store::User& user) {
  auto secret = crypto::random_token(32);
  auto now = now_seconds();
  store::LoginSession s{crypto::secret_digest(secret), new_uuid(), user.id, now, now + p.lifetimes.login_session};
  if (auto st = p.sessions.create(s); !st) return st.error();
  return std::pair{ActiveSession{s, user}, set_cookie(p, cookie_name(p, kSession), secret, p.lifetimes.login_session)};
}

std::string end_session(Provider& p, const http::Request& req) {
  if (auto value = http::cookie(req, cookie_name(p, kSession)); value && value->size() <= 128)
    (void)p.sessions.remove(crypto::secret_digest(*value));
  return set_cookie(p, cookie_name(p, kSession), "", 0);
}

std::pair<std::string, std::string> new_csrf(const Provider& p) {
  auto token = crypto::random_token(24);
  return {token, set_cookie(p, cookie_name(p, kCsrf), token, 3600)};
}

bool csrf_ok(const Provider& p, const http::Request& req, const std::string& submitted) {
  auto expected = http::cookie(req, cookie_name(p, kCsrf));
  return expected && !submitted.empty() && crypto::constant_time_equal(*expected, submitted);
}

}  // namespace cells::oidc
