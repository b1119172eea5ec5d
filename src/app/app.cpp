#include "app/app.h"

#include <spdlog/spdlog.h>
#include <malloc.h>
#include <sys/stat.h>

#include <boost/json.hpp>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <thread>

#include "admin/channel.h"
#include "admin/client_commands.h"
#include "admin/key_commands.h"
#include "admin/token_commands.h"
#include "admin/user_commands.h"
#include "admin/workspace_commands.h"
#include "app/janitor.h"
#include "app/logging.h"
#include "core/clock.h"
#include "crypto/hash.h"
#include "files/blobs.h"
#include "files/rest.h"
#include "files/tree.h"
#include "files/webdav.h"
#include "http/router.h"
#include "http/server.h"
#include "identity/accounts.h"
#include "oidc/clients/default_clients.h"
#include "oidc/clients/registry.h"
#include "oidc/endpoints.h"
#include "oidc/keys.h"
#include "oidc/token_verify.h"
#include "store/cached_stores.h"
#include "store/change_feed.h"
#include "store/database.h"
#include "store/sql/sql_clients.h"
#include "store/sql/sql_dav_locks.h"
#include "store/sql/sql_login_failures.h"
#include "store/sql/sql_nodes.h"
#include "store/sql/sql_personal_tokens.h"
#include "tokens/pat_service.h"
#include "tokens/rest_tokens.h"
#include "store/sql/sql_workspaces.h"
#include "store/sql/sql_oauth.h"
#include "store/sql/sql_users.h"
#include "web/static_files.h"

namespace cells::app {

namespace {

Status prepare_data_dir(const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return err("config", "cannot create data folder " + dir + ": " + ec.message());
  if (::chmod(dir.c_str(), 0700) != 0) return err("config", "cannot set mode 0700 on " + dir);
  return ok();
}

// First start: the admin account, with CELLS_ADMIN_PASSWORD or a generated password printed once.
Status bootstrap_admin(store::UserStore& users, identity::Accounts& accounts) {
  auto n = users.count();
  if (!n) return n.error();
  if (*n > 0) return ok();
  const char* env = std::getenv("CELLS_ADMIN_PASSWORD");
  std::string password = env && *env ? env : crypto::random_token(18);
  auto admin = accounts.create({"admin", password, "", "Administrator", true});
  if (!admin && admin.error().code == "conflict") return ok();  // another node, starting with us, made it
  if (!admin) return err("bootstrap", "cannot create the admin user: " + admin.error().message);
  if (!(env && *env))
    std::cout << "Created user 'admin' with password: " << password << "\n(shown once; change it with `cells admin user set-password -u admin --password-stdin`)" << std::endl;
  else
    spdlog::info("created user admin with the password from CELLS_ADMIN_PASSWORD");
  return ok();
}

}  // namespace

int run_server(const Config& config) {
  Logging logging(config.log_level);
  // Blocks from 1 MiB up (Argon2id's 19 MiB) always come from mmap and go back to the system when
  // freed; glibc's default threshold grows after such a free and would keep them in the heap.
  ::mallopt(M_MMAP_THRESHOLD, 1 << 20);
  auto fail = [](const Error& e) {
    spdlog::critical("{}", e.message);
    return 1;
  };
  ::umask(077);  // database, blobs and spool files are readable by the server's account only
  if (auto st = prepare_data_dir(config.data_dir); !st) return fail(st.error());
  // One connection per worker thread (two per core) plus a few for the janitors and the feed,
  // so that no request waits for a connection while a worker is free.
  auto db = store::Database::open(config.db, 2 * std::max(1u, std::thread::hardware_concurrency()) + 4);
  if (!db) return fail(db.error());

  store::ChangeFeed feed(*db);
  store::SqlUserStore sql_users(*db);
  store::CachedUserStore users(sql_users, feed);
  store::SqlLoginFailureStore login_failures(*db);
  identity::Lockout lockout(login_failures);
  identity::Accounts accounts(users, lockout);
  if (auto st = bootstrap_admin(users, accounts); !st) return fail(st.error());

  store::SqlSigningKeyStore key_store(*db);
  oidc::KeyRing keys(key_store, &feed);
  if (auto st = keys.load(); !st) return fail(st.error());
  store::SqlClientStore sql_clients(*db);
  store::CachedClientStore client_store(sql_clients, feed);
  oidc::ClientRegistry clients(client_store, oidc::default_clients(config.site_url));
  store::SqlSessionStore sessions(*db);
  store::SqlCodeStore codes(*db);
  store::SqlRefreshTokenStore sql_refresh_tokens(*db);
  store::CachedRefreshTokenStore refresh_tokens(sql_refresh_tokens, feed);
  store::SqlRevocationStore sql_revocations(*db);
  store::CachedRevocationStore revocations(sql_revocations, feed);
  oidc::VerifiedTokens verified_tokens;
  oidc::Provider provider{config, {},    keys,  clients,        accounts,
                          users,  sessions, codes, refresh_tokens, revocations};

  files::BlobStore blobs(config.files_dir + "/blobs", config.files_dir + "/tmp");
  if (auto st = blobs.prepare(); !st) return fail(st.error());
  store::SqlNodeStore nodes(*db);
  store::SqlWorkspaceStore workspaces(*db);
  files::FileTree tree(nodes, workspaces, blobs);
  store::SqlPersonalTokenStore pat_store(*db);
  tokens::PatService pats(pat_store, users, config.pat_max_lifetime_seconds, &feed);
  provider.personal_tokens = &pats;
  provider.verified_tokens = &verified_tokens;
  auto listening = feed.start();
  auth::Authenticator authenticator(provider, pats);
  store::SqlDavLockStore lock_store(*db);
  files::LockManager locks(lock_store);
  files::RestApi rest{authenticator, tree, locks};

  http::Router router;
  router.add("GET", "/healthz", [](http::Request&) {
    return http::Response::json(200, boost::json::object{{"status", "ok"}});
  });
  oidc::add_routes(router, provider);
  web::add_static_routes(router);
  files::add_rest_routes(router, rest);
  files::add_webdav_routes(router, rest);
  tokens::add_token_routes(router, rest, pats);

  admin::ChannelServer channel(admin::socket_path(config.data_dir));
  admin::register_user_commands(channel, accounts);
  admin::register_client_commands(channel, clients);
  admin::register_key_commands(channel, keys);
  admin::register_workspace_commands(channel, workspaces, tree, accounts);
  admin::register_token_commands(channel, pats, accounts, tree);
  if (auto st = channel.start(); !st) return fail(st.error());

  Janitor janitor(std::chrono::minutes(10), {
      [&] { (void)codes.purge_expired(now_seconds()); },
      [&] { (void)refresh_tokens.purge_expired(now_seconds()); },
      [&] { (void)revocations.purge_expired(now_seconds()); },
      [&] { (void)sessions.purge_expired(now_seconds()); },
      [&] { (void)pat_store.purge_expired(now_seconds()); },
      [&] { (void)lockout.purge(now_seconds()); },
  });
  // Sliding-window expiries reach the database once a second, not once per request.
  Janitor pat_flusher(std::chrono::seconds(1), {[&] { (void)pats.flush(); }});

  http::ServerOptions options;
  options.host = config.host;
  options.port = config.port;
  options.tls_cert_file = config.tls_cert;
  options.tls_key_file = config.tls_key;
  options.spool_dir = blobs.spool_dir();
  options.trusted_proxies = config.trusted_proxies;
  http::Server server(options, router);
  auto port = server.listen();
  if (!port) return fail(port.error());
  spdlog::info("cells listening on {}:{} site_url={} issuer={} data={}", config.host, *port, config.site_url,
               config.issuer(), config.data_dir);
  server.run();
  channel.stop();
  (void)pats.flush();
  spdlog::info("cells stopped");
  return 0;
}

}  // namespace cells::app
