#include "oidc/scopes.h"

namespace cells::oidc {

Scopes parse_scopes(std::string_view text) {
  Scopes out;
  while (!text.empty()) {
    auto sp = text.find(' ');
    auto s = text.substr(0, sp);
    if (!s.empty()) out.emplace(s);
    text = sp == std::string_view::npos ? std::string_view() : text.substr(sp + 1);
  }
  return out;
}

std::string join_scopes(const Scopes& scopes) {
  std::string out;
  for (const auto& s : scopes) out += (out.empty() ? "" : " ") + s;
  return out;
}

bool known_scope(std::string_view s) {
  static const Scopes known = {"openid", "profile", "email", "offline_access", "offline", "pydio"};
  return known.count(s) > 0;
}

std::string first_unknown(const Scopes& scopes) {
  for (const auto& s : scopes)
    if (!known_scope(s)) return s;
  return {};
}

bool wants_refresh(const Scopes& scopes) { return scopes.count("offline_access") || scopes.count("offline"); }

}  // namespace cells::oidc
