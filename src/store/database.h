// A pool of SOCI sessions on SQLite (embedded default) or PostgreSQL. Every SQL statement in
// cells goes through here, with bound parameters only. Dialect differences live in dialect.h.
#pragma once
#include <soci/soci.h>

#include <memory>
#include <string>

#include "core/result.h"

namespace cells::store {

enum class Backend { sqlite, postgresql };

class Database {
 public:
  // `url` is "sqlite:PATH" or "postgres://USER@HOST:PORT/DB". Applies pending migrations.
  static Result<std::shared_ptr<Database>> open(const std::string& url, std::size_t pool_size = 8);
  ~Database();

  Backend backend() const { return backend_; }

  // Runs fn(soci::session&) on a pooled session. SOCI exceptions thrown by fn are turned into
  // Error{"unavailable"} so that callers answer 503 instead of crashing.
  template <typename F>
  auto run(F&& fn) -> decltype(fn(std::declval<soci::session&>())) {
    try {
      soci::session sql(*pool_);
      return fn(sql);
    } catch (const std::exception& e) {
      return failure(e);
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

 private:
  Database(Backend backend, std::size_t pool_size);
  void begin(soci::session& sql);
  static Error failure(const std::exception& e);

  Backend backend_;
  std::unique_ptr<soci::connection_pool> pool_;
};

}  // namespace cells::store
