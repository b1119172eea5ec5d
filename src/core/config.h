// Server configuration: command-line flags, each also settable by a CELLS_* environment variable.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"

namespace cells {

struct Config {
  std::string bind = "127.0.0.1:8080";          // CELLS_BIND
  std::string site_url;                         // CELLS_SITE_URL; default http://<bind>
  std::string data_dir = "./data";              // CELLS_WORKING_DIR
  std::string db;                               // CELLS_DB_DSN; default sqlite:<data>/cells.db
  std::string files_dir;                        // CELLS_FILES_DIR; default <data> (shared by all nodes)
  std::optional<std::string> tls_cert;          // CELLS_TLS_CERT
  std::optional<std::string> tls_key;           // CELLS_TLS_KEY
  std::string log_level = "info";               // CELLS_LOG_LEVEL
  std::string pat_max_lifetime = "365d";        // CELLS_PAT_MAX_LIFETIME
  std::vector<std::string> trusted_proxies;     // CELLS_TRUSTED_PROXIES (comma-separated IPs)

  // Derived by validate():
  std::string host;
  unsigned short port = 0;
  std::int64_t pat_max_lifetime_seconds = 0;
  std::string issuer() const { return site_url + "/oidc"; }
  bool site_is_https() const { return site_url.starts_with("https://"); }
};

// Checks and normalizes a Config: bind is HOST:PORT, site_url is an absolute http(s) URL
// without query or fragment (a trailing slash is dropped).
Status validate(Config& config);

}  // namespace cells
