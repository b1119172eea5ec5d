#include "store/database.h"

#include <soci/postgresql/soci-postgresql.h>
#include <soci/sqlite3/soci-sqlite3.h>
#include <spdlog/spdlog.h>
#include <sqlite3.h>

#include <mutex>

#include "store/migrations.h"

namespace cells::store {

Database::Database(Backend backend, std::string url, std::size_t pool_size)
    : backend_(backend), url_(std::move(url)), pool_size_(pool_size),
      pool_(std::make_unique<soci::connection_pool>(pool_size)) {}

Database::~Database() = default;

// A unique-key violation means another request (or node) got there first: "conflict", a 4xx
// for callers. Anything else is the database being unwell: "unavailable", a 503.
Error Database::failure(const std::exception& e) {
  auto* pg = dynamic_cast<const soci::postgresql_soci_error*>(&e);
  auto* lite = dynamic_cast<const soci::sqlite3_soci_error*>(&e);
  if ((pg && pg->sqlstate() == "23505") || (lite && (lite->result() & 0xff) == SQLITE_CONSTRAINT))
    return err("conflict", "this already exists");
  spdlog::error("database error: {}", e.what());
  return unavailable();
}

Error Database::unavailable() { return err("unavailable", "the database is not available"); }

// PQstatus only (no round trip): a connection that died while idle is noticed by the first
// statement, which fails, and run() then retries on a reconnected session.
bool Database::connected(soci::session& sql) const {
  if (backend_ == Backend::sqlite) return true;
  auto* backend = static_cast<soci::postgresql_session_backend*>(sql.get_backend());
  return backend && backend->conn_ && PQstatus(backend->conn_) == CONNECTION_OK;
}

bool Database::ensure_connected(soci::session& sql) const {
  if (connected(sql)) return true;
  try {
    sql.reconnect();
    spdlog::warn("database connection re-established");
    return true;
  } catch (const std::exception& e) {
    spdlog::error("database reconnect failed: {}", e.what());
    return false;
  }
}

void Database::begin(soci::session& sql) const {
  if (backend_ == Backend::sqlite)
    sql << "BEGIN IMMEDIATE";
  else
    sql.begin();
}

void Database::serialize(soci::session& sql, long long key) const {
  if (backend_ == Backend::postgresql) sql << "SELECT pg_advisory_xact_lock(:k)", soci::use(key);
}

namespace {
// SQLite: WAL so readers never block the writer; FULL sync so a committed answer survives a
// crash or power loss; a busy timeout so concurrent writers wait their turn.
void prepare_sqlite(soci::session& sql) {
  sql << "PRAGMA busy_timeout = 10000";
  sql << "PRAGMA journal_mode = WAL";
  sql << "PRAGMA synchronous = FULL";
  sql << "PRAGMA foreign_keys = ON";
}

// SQLite counts every allocation under one process-wide mutex by default; with several worker
// threads reading at once that mutex is the contended lock. Must run before SQLite initializes
// (a no-op, SQLITE_MISUSE, if something initialized it earlier).
void configure_sqlite_once() {
  static std::once_flag once;
  std::call_once(once, [] { sqlite_api::sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0); });
}
}  // namespace

Result<std::shared_ptr<Database>> Database::open(const std::string& url, std::size_t pool_size) {
  Backend backend;
  std::string connect;
  if (url.starts_with("sqlite:")) {
    configure_sqlite_once();
    backend = Backend::sqlite;
    connect = "db=" + url.substr(7) + " timeout=10";
  } else if (url.starts_with("postgres://") || url.starts_with("postgresql://")) {
    backend = Backend::postgresql;
    connect = url;
  } else {
    return err("config", "database URL must start with sqlite: or postgres://");
  }
  std::shared_ptr<Database> db(new Database(backend, url, pool_size));
  try {
    for (std::size_t i = 0; i < pool_size; ++i) {
      auto& s = db->pool_->at(i);
      if (backend == Backend::sqlite) {
        s.open(soci::sqlite3, connect);
        prepare_sqlite(s);
      } else {
        s.open(soci::postgresql, connect);
        s << "SET client_min_messages TO WARNING";  // no NOTICE chatter on stderr
      }
    }
  } catch (const std::exception& e) {
    return err("unavailable", std::string("cannot open the database: ") + e.what());
  }
  if (auto st = migrate(*db); !st) return st.error();
  return db;
}

}  // namespace cells::store
