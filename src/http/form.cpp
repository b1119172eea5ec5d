#include "http/form.h"

#include <strings.h>

#include "crypto/hash.h"

namespace cells::http {

namespace {
int hexval(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool istarts_with(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && strncasecmp(s.data(), prefix.data(), prefix.size()) == 0;
}
}  // namespace

std::optional<std::string> percent_decode(std::string_view in, bool plus_is_space) {
  std::string out;
  out.reserve(in.size());
  for (std::size_t i = 0; i < in.size(); ++i) {
    char c = in[i];
    if (c == '%') {
      if (i + 2 >= in.size()) return std::nullopt;
      int hi = hexval(in[i + 1]), lo = hexval(in[i + 2]);
      if (hi < 0 || lo < 0) return std::nullopt;
      out += static_cast<char>(hi * 16 + lo);
      i += 2;
    } else if (c == '+' && plus_is_space) {
      out += ' ';
    } else {
      out += c;
    }
  }
  return out;
}

std::string percent_encode(std::string_view in) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : in) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

bool valid_utf8(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    unsigned char c = s[i];
    int n = c < 0x80 ? 0 : (c >> 5) == 0x6 ? 1 : (c >> 4) == 0xe ? 2 : (c >> 3) == 0x1e ? 3 : -1;
    if (n < 0 || i + n >= s.size()) return false;
    unsigned cp = n == 0 ? c : c & (0x3f >> n);
    for (int k = 1; k <= n; ++k) {
      unsigned char cc = s[i + k];
      if ((cc >> 6) != 0x2) return false;
      cp = (cp << 6) | (cc & 0x3f);
    }
    // Overlong forms, surrogates and values past U+10FFFF are not UTF-8.
    if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) || cp > 0x10ffff ||
        (cp >= 0xd800 && cp <= 0xdfff))
      return false;
    i += n + 1;
  }
  return true;
}

Result<Form> Form::parse(std::string_view encoded, std::size_t max_fields) {
  Form form;
  std::size_t fields = 0;
  while (!encoded.empty()) {
    auto amp = encoded.find('&');
    auto pair = encoded.substr(0, amp);
    encoded = amp == std::string_view::npos ? std::string_view() : encoded.substr(amp + 1);
    if (pair.empty()) continue;
    if (++fields > max_fields) return err("invalid_request", "too many parameters");
    auto eq = pair.find('=');
    auto key = percent_decode(pair.substr(0, eq), true);
    auto value = percent_decode(eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1), true);
    if (!key || !value) return err("invalid_request", "malformed percent-encoding");
    if (!valid_utf8(*key) || !valid_utf8(*value)) return err("invalid_request", "parameters must be UTF-8");
    if (value->empty()) continue;
    if (!form.values_.emplace(*key, *value).second) form.repeated_.insert(*key);
  }
  return form;
}

std::optional<std::string> Form::get(std::string_view key) const {
  auto it = values_.find(key);
  if (it == values_.end()) return std::nullopt;
  return it->second;
}

std::string Form::get_or(std::string_view key, std::string fallback) const {
  auto v = get(key);
  return v ? *v : std::move(fallback);
}

std::optional<std::string> Form::first_repeated(std::initializer_list<std::string_view> keys) const {
  for (auto k : keys)
    if (repeated(k)) return std::string(k);
  return std::nullopt;
}

Result<Form> request_params(const Request& req) {
  if (req.method == "POST") {
    auto type = req.header("Content-Type");
    if (!type || !istarts_with(*type, "application/x-www-form-urlencoded"))
      return err("invalid_request", "body must be application/x-www-form-urlencoded");
    return Form::parse(req.body);
  }
  return Form::parse(req.query);
}

std::optional<std::string> cookie(const Request& req, std::string_view name) {
  for (const auto& [k, v] : req.headers) {
    if (strcasecmp(k.c_str(), "Cookie") != 0) continue;
    std::string_view rest = v;
    while (!rest.empty()) {
      auto semi = rest.find(';');
      auto item = rest.substr(0, semi);
      rest = semi == std::string_view::npos ? std::string_view() : rest.substr(semi + 1);
      while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
      auto eq = item.find('=');
      if (eq != std::string_view::npos && item.substr(0, eq) == name) return std::string(item.substr(eq + 1));
    }
  }
  return std::nullopt;
}

std::optional<BasicCredentials> basic_credentials(const Request& req, bool form_encoded) {
  auto h = req.header("Authorization");
  if (!h || !istarts_with(*h, "Basic ") || count_header(req.headers, "Authorization") != 1) return std::nullopt;
  auto decoded = crypto::base64_decode(h->substr(6));
  if (!decoded) return std::nullopt;
  auto colon = decoded->find(':');
  if (colon == std::string::npos) return std::nullopt;
  BasicCredentials c{decoded->substr(0, colon), decoded->substr(colon + 1)};
  if (form_encoded) {
    auto u = percent_decode(c.user, true), p = percent_decode(c.password, true);
    if (!u || !p) return std::nullopt;
    c = {*u, *p};
  }
  if (!valid_utf8(c.user) || !valid_utf8(c.password)) return std::nullopt;
  return c;
}

std::optional<std::string_view> bearer_token(const Request& req) {
  auto h = req.header("Authorization");
  if (!h || !istarts_with(*h, "Bearer ") || count_header(req.headers, "Authorization") != 1) return std::nullopt;
  auto token = h->substr(7);
  while (!token.empty() && token.front() == ' ') token.remove_prefix(1);
  if (token.empty()) return std::nullopt;
  return token;
}

}  // namespace cells::http
