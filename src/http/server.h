// The HTTP(S) server: Beast on Asio with C++20 coroutines, a fixed pool of I/O threads and a
// separate worker pool for handlers that block (see Runs). One access-log line per request.
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "http/router.h"

namespace cells::http {

struct Limits {
  std::size_t header_bytes = 16 * 1024;  // request line + headers (bounds the URL too)
  std::size_t body_bytes = 1024 * 1024;                       // bodies held in memory
  std::uint64_t upload_bytes = std::uint64_t{64} << 30;         // bodies spooled to disk (Runs::with_upload)
  int idle_seconds = 60;                 // keep-alive and slow-client timeout
};

struct ServerOptions {
  std::string host = "127.0.0.1";
  std::uint16_t port = 8080;  // 0 picks a free port
  int io_threads = 0;         // 0: one per core
  int worker_threads = 0;     // 0: two per core
  Limits limits;
  std::optional<std::string> tls_cert_file;  // PEM chain; with tls_key_file enables HTTPS
  std::optional<std::string> tls_key_file;
  std::string spool_dir;  // where upload bodies are streamed; must be on the data volume
  std::vector<std::string> trusted_proxies;  // peers whose X-Forwarded-For names the client
};

class Server {
 public:
  Server(ServerOptions options, const Router& router);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds the listening socket; returns the bound port.
  Result<std::uint16_t> listen();
  // Serves until stop() or SIGINT/SIGTERM, then drains in-flight requests (a few seconds at
  // most) and returns.
  void run();
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace cells::http
