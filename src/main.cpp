// The `cells` binary: the command tree, nothing else.
#include <CLI/CLI.hpp>
#include <cstdlib>
#include <iostream>

#include "admin/client_commands.h"
#include "admin/db_copy.h"
#include "admin/key_commands.h"
#include "admin/token_commands.h"
#include "admin/user_commands.h"
#include "admin/workspace_commands.h"
#include "app/app.h"
#include "core/config.h"

int main(int argc, char** argv) {
  CLI::App cli{"cells: an OpenID Connect provider and file server with personal access tokens"};
  cli.require_subcommand(1);
  cli.set_version_flag("--version", "cells 0.1.0");

  cells::Config config;
  auto* start = cli.add_subcommand("start", "Start the server");
  start->add_option("--bind", config.bind, "Address to listen on, HOST:PORT")->envname("CELLS_BIND")->capture_default_str();
  start->add_option("--site-url", config.site_url, "Public URL of the server (default http://<bind>); the issuer is <site-url>/oidc")
      ->envname("CELLS_SITE_URL");
  start->add_option("--data", config.data_dir, "Data folder")->envname("CELLS_WORKING_DIR")->capture_default_str();
  start->add_option("--db", config.db, "Database: sqlite:PATH (default DATA/cells.db) or postgres://USER@HOST:PORT/DB")
      ->envname("CELLS_DB_DSN");
  start->add_option("--files", config.files_dir, "Folder of file contents (default DATA); with several nodes, one shared folder")
      ->envname("CELLS_FILES_DIR");
  start->add_option("--trusted-proxies", config.trusted_proxies,
                    "IP addresses of load balancers whose X-Forwarded-For names the client (comma-separated)")
      ->envname("CELLS_TRUSTED_PROXIES")->delimiter(',');
  start->add_option("--tls-cert", config.tls_cert, "TLS certificate chain (PEM)")->envname("CELLS_TLS_CERT");
  start->add_option("--tls-key", config.tls_key, "TLS private key (PEM)")->envname("CELLS_TLS_KEY");
  start->add_option("--log-level", config.log_level, "trace, debug, info, warn, error")
      ->envname("CELLS_LOG_LEVEL")->check(CLI::IsMember({"trace", "debug", "info", "warn", "error"}))->capture_default_str();
  start->add_option("--pat-max-lifetime", config.pat_max_lifetime, "Longest life of a personal access token")
      ->envname("CELLS_PAT_MAX_LIFETIME")->capture_default_str();
  start->callback([&] {
    if (auto st = cells::validate(config); !st) {
      std::cerr << "error: " << st.error().message << "\n";
      std::exit(2);
    }
    std::exit(cells::app::run_server(config));
  });

  std::string data_dir = "./data";
  auto* admin = cli.add_subcommand("admin", "Administer the running server (over its local admin socket), or its database");
  admin->require_subcommand(1);
  admin->add_option("--data", data_dir, "Data folder of the running server")->envname("CELLS_WORKING_DIR")->capture_default_str();
  auto* user = admin->add_subcommand("user", "Manage users and their personal access tokens");
  cells::admin::add_user_cli(*user, data_dir);
  cells::admin::add_token_cli(*user, data_dir);
  cells::admin::add_client_cli(*admin->add_subcommand("client", "Manage OAuth2 clients"), data_dir);
  cells::admin::add_key_cli(*admin->add_subcommand("keys", "Manage signing keys"), data_dir);
  cells::admin::add_workspace_cli(*admin->add_subcommand("workspace", "Manage workspaces and rights"), data_dir);
  cells::admin::add_db_cli(*admin->add_subcommand("db", "Database maintenance"));

  CLI11_PARSE(cli, argc, argv);
  return 0;
}
