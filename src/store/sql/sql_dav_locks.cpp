#include "store/sql/sql_dav_locks.h"

namespace cells::store {

namespace {
constexpr long long kLocksKey = 0x6461766c6f636b;  // "davlock": serializes lock changes across nodes

std::vector<DavLock> read_active(soci::session& sql, long long now) {
  std::vector<DavLock> out;
  soci::rowset<soci::row> rows =
      (sql.prepare << "SELECT token, path, is_exclusive, is_deep, owner_xml, timeout_seconds, expires_at FROM dav_locks"
                      " WHERE expires_at > :n",
       soci::use(now));
  for (const auto& r : rows)
    out.push_back({r.get<std::string>(0), r.get<std::string>(1), r.get<int>(2) != 0, r.get<int>(3) != 0,
                   r.get<std::string>(4), r.get<long long>(5), r.get<long long>(6)});
  return out;
}
}  // namespace

Result<std::vector<DavLock>> SqlDavLockStore::active(std::int64_t now) {
  return db_->run([&](soci::session& sql) -> Result<std::vector<DavLock>> { return read_active(sql, now); });
}

Status SqlDavLockStore::update(std::int64_t now, const std::function<Status(std::vector<DavLock>&)>& change) {
  return db_->write([&](soci::session& sql) -> Status {
    db_->serialize(sql, kLocksKey);
    auto locks = read_active(sql, now);
    if (auto st = change(locks); !st) return st;
    sql << "DELETE FROM dav_locks";
    for (const auto& l : locks) {
      int exclusive = l.exclusive, deep = l.deep;
      long long timeout = l.timeout, expires = l.expires_at;
      sql << "INSERT INTO dav_locks (token, path, is_exclusive, is_deep, owner_xml, timeout_seconds, expires_at)"
             " VALUES (:t, :p, :x, :d, :o, :ti, :e)",
          soci::use(l.token), soci::use(l.path), soci::use(exclusive), soci::use(deep), soci::use(l.owner_xml),
          soci::use(timeout), soci::use(expires);
    }
    return ok();
  });
}

}  // namespace cells::store
