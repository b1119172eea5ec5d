#include "http/message.h"

#include <boost/json/serialize.hpp>
#include <strings.h>

namespace cells::http {

namespace {
bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && strncasecmp(a.data(), b.data(), a.size()) == 0;
}
}  // namespace

std::optional<std::string_view> find_header(const Headers& headers, std::string_view name) {
  for (const auto& [k, v] : headers)
    if (iequals(k, name)) return std::string_view(v);
  return std::nullopt;
}

std::size_t count_header(const Headers& headers, std::string_view name) {
  std::size_t n = 0;
  for (const auto& [k, v] : headers) n += iequals(k, name);
  return n;
}

Response& Response::set(std::string name, std::string value) {
  for (auto& [k, v] : headers)
    if (iequals(k, name)) {
      v = std::move(value);
      return *this;
    }
  headers.emplace_back(std::move(name), std::move(value));
  return *this;
}

Response Response::text(int status, std::string body) {
  Response r;
  r.status = status;
  r.headers = {{"Content-Type", "text/plain; charset=utf-8"}};
  r.body = std::move(body);
  return r;
}

Response Response::html(int status, std::string body) {
  return make(status,
                  {{"Content-Type", "text/html; charset=utf-8"},
                   {"Cache-Control", "no-store"},
                   {"X-Frame-Options", "DENY"},
                   {"Content-Security-Policy", "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self'; form-action 'self' *; frame-ancestors 'none'"},
                   {"X-Content-Type-Options", "nosniff"},
                   {"Referrer-Policy", "no-referrer"}},
                  std::move(body));
}

Response Response::json(int status, const boost::json::value& body) {
  return make(status, {{"Content-Type", "application/json"}, {"Cache-Control", "no-store"}, {"Pragma", "no-cache"}},
              boost::json::serialize(body));
}

Response Response::redirect(std::string location, int status) {
  return make(status, {{"Location", std::move(location)}, {"Cache-Control", "no-store"}}, {});
}

Response Response::empty(int status) { return make(status, {}, {}); }

Response Response::make(int status, Headers headers, std::string body) {
  Response r;
  r.status = status;
  r.headers = std::move(headers);
  r.body = std::move(body);
  return r;
}

}  // namespace cells::http
