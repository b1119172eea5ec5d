#include <set>

#include "store/sql/sql_oauth.h"

namespace cells::store {

long long affected(soci::statement& st) {
  st.execute(true);
  return st.get_affected_rows();
}

Result<std::vector<StoredKey>> SqlSigningKeyStore::list() {
  return db_->run([&](soci::session& sql) -> Result<std::vector<StoredKey>> {
    std::vector<StoredKey> keys;
    soci::rowset<soci::row> rows =
        (sql.prepare << "SELECT kid, alg, private_pem, created_at, retired_at FROM signing_keys ORDER BY created_at");
    for (const auto& r : rows)
      keys.push_back({r.get<std::string>(0), r.get<std::string>(1), r.get<std::string>(2), r.get<long long>(3),
                      r.get<long long>(4)});
    return keys;
  });
}

Status SqlSigningKeyStore::replace_active(const std::vector<StoredKey>& fresh, std::int64_t now) {
  return db_->write([&](soci::session& sql) -> Status {
    long long t = now;
    std::set<std::string> algs;
    for (const auto& k : fresh) algs.insert(k.alg);
    for (const auto& alg : algs)
      sql << "UPDATE signing_keys SET retired_at = :t WHERE alg = :alg AND retired_at = 0", soci::use(t), soci::use(alg);
    for (const auto& k : fresh) {
      long long c = k.created_at;
      sql << "INSERT INTO signing_keys (kid, alg, private_pem, created_at, retired_at) VALUES (:k, :a, :p, :c, 0)",
          soci::use(k.kid), soci::use(k.alg), soci::use(k.private_pem), soci::use(c);
    }
    return ok();
  });
}

Status SqlSigningKeyStore::purge_retired_before(std::int64_t cutoff) {
  return db_->run([&](soci::session& sql) -> Status {
    long long c = cutoff;
    sql << "DELETE FROM signing_keys WHERE retired_at > 0 AND retired_at < :c", soci::use(c);
    return ok();
  });
}

Status SqlSessionStore::create(const LoginSession& s) {
  return db_->run([&](soci::session& sql) -> Status {
    long long a = s.auth_time, e = s.expires_at;
    sql << "INSERT INTO login_sessions (id_hash, sid, user_id, auth_time, expires_at) VALUES (:h, :s, :u, :a, :e)",
        soci::use(s.id_hash), soci::use(s.sid), soci::use(s.user_id), soci::use(a), soci::use(e);
    return ok();
  });
}

Result<std::optional<LoginSession>> SqlSessionStore::find(const std::string& id_hash, std::int64_t now) {
  return db_->run([&](soci::session& sql) -> Result<std::optional<LoginSession>> {
    soci::row r;
    long long n = now;
    sql << "SELECT id_hash, sid, user_id, auth_time, expires_at FROM login_sessions WHERE id_hash = :h AND expires_at > :n",
        soci::use(id_hash), soci::use(n), soci::into(r);
    if (!sql.got_data()) return std::optional<LoginSession>();
    return std::optional<LoginSession>(LoginSession{r.get<std::string>(0), r.get<std::string>(1), r.get<std::string>(2),
                                                    r.get<long long>(3), r.get<long long>(4)});
  });
}

Status SqlSessionStore::remove(const std::string& id_hash) {
  return db_->run([&](soci::session& sql) -> Status {
    sql << "DELETE FROM login_sessions WHERE id_hash = :h", soci::use(id_hash);
    return ok();
  });
}

Status SqlSessionStore::remove_for_user(const std::string& user_id) {
  return db_->run([&](soci::session& sql) -> Status {
    sql << "DELETE FROM login_sessions WHERE user_id = :u", soci::use(user_id);
    return ok();
  });
}

Status SqlSessionStore::purge_expired(std::int64_t now) {
  return db_->run([&](soci::session& sql) -> Status {
    long long n = now;
    sql << "DELETE FROM login_sessions WHERE expires_at < :n", soci::use(n);
    return ok();
  });
}

}  // namespace cells::store
