// application/x-www-form-urlencoded bodies and query strings (also cookies and Basic auth),
// parsed strictly: bounded, percent-decoding checked, values valid UTF-8, and repeated keys
// remembered so protocol code can refuse them (RFC 6749 §3.1).
#pragma once
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include "core/result.h"
#include "http/message.h"

namespace cells::http {

class Form {
 public:
  // Error "invalid_request" on bad percent-encoding, invalid UTF-8 or more than `max_fields`.
  static Result<Form> parse(std::string_view encoded, std::size_t max_fields = 64);

  // The value, or nullopt if absent. An empty value counts as absent (RFC 6749 §3.1).
  std::optional<std::string> get(std::string_view key) const;
  std::string get_or(std::string_view key, std::string fallback = {}) const;
  bool repeated(std::string_view key) const { return repeated_.count(std::string(key)) > 0; }
  // The first of `keys` that was sent more than once, if any.
  std::optional<std::string> first_repeated(std::initializer_list<std::string_view> keys) const;
  const std::map<std::string, std::string, std::less<>>& all() const { return values_; }

 private:
  std::map<std::string, std::string, std::less<>> values_;
  std::set<std::string> repeated_;
};

// The parameters of a request: the query for GET, the form body for POST (which must then be
// application/x-www-form-urlencoded).
Result<Form> request_params(const Request& req);

std::optional<std::string> percent_decode(std::string_view in, bool plus_is_space);
std::string percent_encode(std::string_view in);  // unreserved characters kept (RFC 3986 §2.3)
bool valid_utf8(std::string_view s);

// Cookie header → name/value of the cookie called `name`, if present.
std::optional<std::string> cookie(const Request& req, std::string_view name);

struct BasicCredentials {
  std::string user;
  std::string password;
};
// Authorization: Basic ... (user and password each percent-decoded when `form_encoded`,
// as RFC 6749 §2.3.1 asks for client credentials).
std::optional<BasicCredentials> basic_credentials(const Request& req, bool form_encoded);
// Authorization: Bearer TOKEN → TOKEN, a view into `req` (tokens can be kilobytes: no copy).
std::optional<std::string_view> bearer_token(const Request& req);

}  // namespace cells::http
