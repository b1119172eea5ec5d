// Maps (method, path) to a handler. Paths are matched exactly, or by prefix for routes that
// serve a subtree ("/dav/"). Unknown paths get 404, known paths with another method 405 + Allow.
#pragma once
#include <functional>
#include <map>
#include <string>
#include <variant>
#include <vector>

#include "http/message.h"

namespace cells::http {

using Handler = std::function<Response(Request&)>;

// Where a handler runs: on the I/O threads (fast, never blocks) or on the worker pool
// (password hashing, anything that may wait on the database or the disk for long).
// `with_upload` runs on the worker pool too, and its request body (any size up to
// Limits::upload_bytes) is streamed to a spool file (Request::body_file) instead of memory.
// on_io: never blocks. on_workers: may block (database, Argon2id). with_upload: on workers, body
// spooled to a file first. memory_first: tried on the I/O thread under core/memory_only.h and
// run again on a worker only if it needed to block (cache hits never leave the I/O thread).
enum class Runs { on_io, on_workers, with_upload, memory_first };

struct Route {
  Handler handler;
  Runs runs = Runs::on_io;
};

class Router {
 public:
  void add(const std::string& method, const std::string& path, Handler h, Runs runs = Runs::on_io);
  // Serves every path that starts with `prefix`.
  void add_prefix(const std::string& method, const std::string& prefix, Handler h, Runs runs = Runs::on_io);

  // The route for this request, or the error response to send (404 / 405).
  std::variant<const Route*, Response> match(const Request& req) const;

 private:
  using Methods = std::map<std::string, Route>;
  std::map<std::string, Methods, std::less<>> exact_;
  std::vector<std::pair<std::string, Methods>> prefixes_;
};

// The RFC 6749 §5.2-shaped error body used by every JSON API here.
Response json_error(int status, std::string_view error, std::string_view description);

}  // namespace cells::http
