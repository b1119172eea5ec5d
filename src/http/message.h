// Framework-neutral HTTP request and response, so that only src/http/server.cpp sees Beast.
#pragma once
#include <boost/json/value.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cells::http {

using Headers = std::vector<std::pair<std::string, std::string>>;

// Case-insensitive lookup of the first header called `name`.
std::optional<std::string_view> find_header(const Headers& headers, std::string_view name);
// Number of headers called `name` (protocol rules refuse repeated credentials).
std::size_t count_header(const Headers& headers, std::string_view name);

struct Request {
  std::string method;  // upper case, e.g. "GET"
  std::string path;    // percent-encoded path, without the query
  std::string query;   // raw query string, without '?'
  Headers headers;
  std::string body;
  // For routes that take uploads (Runs::with_upload): the body was streamed to this file (in
  // the server's spool folder) instead of `body`. The handler may rename it away; whatever is
  // left is deleted after the response.
  std::string body_file;
  std::string remote;  // client IP address
  bool secure = false; // arrived over TLS

  std::optional<std::string_view> header(std::string_view name) const { return find_header(headers, name); }
};

// A byte range of a file sent as the response body, streamed in chunks (never held in memory).
struct FileBody {
  std::string path;
  std::uint64_t offset = 0;
  std::uint64_t length = 0;
};

struct Response {
  int status = 200;
  Headers headers;
  std::string body;
  std::optional<FileBody> file;  // when set, sent instead of `body`

  Response& set(std::string name, std::string value);
  std::optional<std::string_view> header(std::string_view name) const { return find_header(headers, name); }

  static Response text(int status, std::string body);
  static Response html(int status, std::string body);
  // JSON with Cache-Control: no-store (every JSON answer here may carry a secret or a per-user view).
  static Response json(int status, const boost::json::value& body);
  static Response redirect(std::string location, int status = 302);
  static Response empty(int status);
  static Response make(int status, Headers headers, std::string body);
};

}  // namespace cells::http
