#include "store/sql/sql_login_failures.h"

#include <algorithm>

namespace cells::store {

Result<std::int64_t> SqlLoginFailureStore::blocked_until(const std::vector<std::string>& keys) {
  return db_->run([&](soci::session& sql) -> Result<std::int64_t> {
    long long latest = 0;
    for (const auto& key : keys) {
      long long until = 0;
      sql << "SELECT locked_until FROM login_failures WHERE key = :k", soci::use(key), soci::into(until);
      if (sql.got_data()) latest = std::max(latest, until);
    }
    return latest;
  });
}

Status SqlLoginFailureStore::update(const std::string& key, std::int64_t now,
                                    const std::function<void(FailureCount&)>& change) {
  return db_->write([&](soci::session& sql) -> Status {
    long long n = now;
    // Create the row first so that the locking read below always has a row to lock.
    sql << "INSERT INTO login_failures (key, failures, last_at, locked_until) VALUES (:k, 0, :n, 0)"
           " ON CONFLICT (key) DO NOTHING",
        soci::use(key), soci::use(n);
    FailureCount count;
    long long until = 0;
    sql << std::string("SELECT failures, locked_until FROM login_failures WHERE key = :k") + db_->for_update(),
        soci::use(key), soci::into(count.failures), soci::into(until);
    count.blocked_until = until;
    change(count);
    until = count.blocked_until;
    sql << "UPDATE login_failures SET failures = :f, last_at = :n, locked_until = :u WHERE key = :k",
        soci::use(count.failures), soci::use(n), soci::use(until), soci::use(key);
    return ok();
  });
}

Status SqlLoginFailureStore::clear(const std::string& key) {
  return db_->run([&](soci::session& sql) -> Status {
    sql << "DELETE FROM login_failures WHERE key = :k", soci::use(key);
    return ok();
  });
}

Status SqlLoginFailureStore::purge(std::int64_t before) {
  return db_->run([&](soci::session& sql) -> Status {
    long long b = before;
    sql << "DELETE FROM login_failures WHERE last_at < :b AND locked_until < :b2", soci::use(b), soci::use(b);
    return ok();
  });
}

}  // namespace cells::store
