// A pool of SOCI sessions on SQLite (embedded default) or PostgreSQL. Every SQL statement in
// cells goes through here, with bound parameters only. The few dialect differences live here
// too: how a write transaction starts, row locks, and the migration lock.
//
// Lost connections (PostgreSQL restarted, network cut): a session found broken is reconnected
// before use, and a call whose connection broke under it is retried once on a fresh one (its
// transaction was rolled back by the server). If that fails too the caller gets
// Error{"unavailable"} and answers 503 with Retry-After; the next call tries again, so the
// server recovers by itself when the database is back.
#pragma once
#include <soci/soci.h>

#include <memory>
#include <string>

#include "core/memory_only.h"
#include "core/result.h"

namespace cells::store {

enum class Backend { sqlite, postgresql };

class Database {
 public:
  // `url` is "sqlite:PATH" or "postgres://USER@HOST:PORT/DB" (any libpq URL). Applies pending
  // migrations (one node at a time when several start together).
  static Result<std::shared_ptr<Database>> open(const std::string& url, std::size_t pool_size = 8);
  ~Database();

  Backend backend() const { return backend_; }
  const std::string& url() const { return url_; }
  std::size_t pool_size() const { return pool_size_; }

  // Runs fn(soci::session&) on a pooled session. SOCI exceptions thrown by fn are turned into
  // Error{"conflict"} for a unique-key violation (a concurrent insert won), else
  // Error{"unavailable"}, so that callers answer 409 or 503 instead of crashing.
  template <typename F>
  auto run(F&& fn) -> decltype(fn(std::declval<soci::session&>())) {
    if (MemoryOnly::refuse()) return unavailable();  // the request will be rerun on a worker
    for (int attempt = 0;; ++attempt) {
      try {
        soci::session sql(*pool_);
        if (!ensure_connected(sql)) return unavailable();
        try {
          return fn(sql);
        } catch (const std::exception& e) {
          if (attempt == 0 && !connected(sql)) continue;
          return failure(e);
        }
      } catch (const std::exception& e) {
        return failure(e);
      }
    }
  }

  // As run(), inside one write transaction (BEGIN IMMEDIATE on SQLite so two writers queue
  // instead of failing half-way). Commits if fn returns ok, rolls back otherwise.
  template <typename F>
  auto write(F&& fn) -> decltype(fn(std::declval<soci::session&>())) {
    return run([&](soci::session& sql) -> decltype(fn(sql)) {
      begin(sql);
      try {
        auto result = fn(sql);
        if (result) sql.commit(); else sql.rollback();
        return result;
      } catch (...) {
        try { sql.rollback(); } catch (...) {}
        throw;
      }
    });
  }

  // Starts a write transaction on `sql` (for code that manages its own, like migrations).
  void begin(soci::session& sql) const;
  // Appended to a SELECT inside write() to lock the rows it reads until commit: " FOR UPDATE"
  // on PostgreSQL; empty on SQLite, where BEGIN IMMEDIATE already serializes writers.
  const char* for_update() const { return backend_ == Backend::postgresql ? " FOR UPDATE" : ""; }
  // Inside write(): waits until no other transaction on any node holds `key`, until commit
  // (a PostgreSQL advisory lock; on SQLite BEGIN IMMEDIATE already serializes writers).
  void serialize(soci::session& sql, long long key) const;

 private:
  Database(Backend backend, std::string url, std::size_t pool_size);
  bool ensure_connected(soci::session& sql) const;
  bool connected(soci::session& sql) const;
  static Error failure(const std::exception& e);
  static Error unavailable();

  Backend backend_;
  std::string url_;
  std::size_t pool_size_;
  std::unique_ptr<soci::connection_pool> pool_;
};

}  // namespace cells::store
