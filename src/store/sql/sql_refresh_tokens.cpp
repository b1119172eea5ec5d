#include "store/sql/sql_oauth.h"

namespace cells::store {

namespace {
constexpr const char* kColumns =
    "token_hash, grant_id, client_id, user_id, scope, sid, auth_time, created_at, expires_at, used_at";

void insert(soci::session& sql, const RefreshToken& t) {
  long long a = t.auth_time, c = t.created_at, e = t.expires_at;
  sql << std::string("INSERT INTO refresh_tokens (") + kColumns +
             ", successor_hash) VALUES (:h, :g, :c, :u, :s, :sid, :a, :ca, :e, 0, '')",
      soci::use(t.token_hash), soci::use(t.grant_id), soci::use(t.client_id), soci::use(t.user_id), soci::use(t.scope),
      soci::use(t.sid), soci::use(a), soci::use(c), soci::use(e);
}

RefreshToken from_row(const soci::row& r) {
  return {r.get<std::string>(0), r.get<std::string>(1), r.get<std::string>(2), r.get<std::string>(3),
          r.get<std::string>(4), r.get<std::string>(5), r.get<long long>(6), r.get<long long>(7), r.get<long long>(8),
          r.get<long long>(9)};
}
}  // namespace

void revoke_grant_in(soci::session& sql, const std::string& grant_id, std::int64_t now, std::int64_t keep_until) {
  long long n = now, k = keep_until;
  sql << "INSERT INTO revoked_grants (grant_id, revoked_at, expires_at) VALUES (:g, :n, :k)"
         " ON CONFLICT (grant_id) DO UPDATE SET expires_at = excluded.expires_at",
      soci::use(grant_id), soci::use(n), soci::use(k);
  sql << "DELETE FROM refresh_tokens WHERE grant_id = :g", soci::use(grant_id);
}

Status SqlRefreshTokenStore::save(const RefreshToken& token) {
  return db_->run([&](soci::session& sql) -> Status {
    insert(sql, token);
    return ok();
  });
}

Result<RotatedToken> SqlRefreshTokenStore::rotate(const std::string& token_hash, RefreshToken successor,
                                                  std::int64_t now, std::int64_t grace_seconds) {
  // Committed even on replay: the family revocation must stick.
  return db_->write([&](soci::session& sql) -> Result<RotatedToken> {
    RotatedToken out;
    soci::row r;
    // The row lock serializes nodes rotating the same token; the revoked_grants check (made
    // after taking it) catches a family revoked by a transaction that committed meanwhile.
    sql << std::string("SELECT ") + kColumns + " FROM refresh_tokens WHERE token_hash = :h" + db_->for_update(),
        soci::use(token_hash), soci::into(r);
    if (!sql.got_data()) return out;
    out.old_token = from_row(r);
    int revoked = 0;
    sql << "SELECT COUNT(*) FROM revoked_grants WHERE grant_id = :g", soci::use(out.old_token.grant_id),
        soci::into(revoked);
    if (revoked) return out;
    if (out.old_token.expires_at <= now) {
      out.outcome = Rotation::expired;
    } else if (out.old_token.replay_at(now, grace_seconds)) {
      revoke_grant_in(sql, out.old_token.grant_id, now, now + 24 * 3600);
      out.outcome = Rotation::replayed;
    } else {
      long long n = now;
      if (out.old_token.used_at == 0)
        sql << "UPDATE refresh_tokens SET used_at = :n, successor_hash = :s WHERE token_hash = :h", soci::use(n),
            soci::use(successor.token_hash), soci::use(token_hash);
      successor.grant_id = out.old_token.grant_id;
      insert(sql, successor);
      out.outcome = Rotation::rotated;
    }
    return out;
  });
}

Result<std::optional<RefreshToken>> SqlRefreshTokenStore::find(const std::string& token_hash, std::int64_t now) {
  return db_->run([&](soci::session& sql) -> Result<std::optional<RefreshToken>> {
    soci::row r;
    long long n = now;
    sql << std::string("SELECT ") + kColumns + " FROM refresh_tokens WHERE token_hash = :h AND expires_at > :n"
               " AND NOT EXISTS (SELECT 1 FROM revoked_grants g WHERE g.grant_id = refresh_tokens.grant_id)",
        soci::use(token_hash), soci::use(n), soci::into(r);
    if (!sql.got_data()) return std::optional<RefreshToken>();
    return std::optional<RefreshToken>(from_row(r));
  });
}

Status SqlRefreshTokenStore::purge_expired(std::int64_t now) {
  return db_->run([&](soci::session& sql) -> Status {
    long long n = now;
    sql << "DELETE FROM refresh_tokens WHERE expires_at < :n", soci::use(n);
    return ok();
  });
}

Status SqlRevocationStore::revoke_token(const std::string& jti, std::int64_t expires_at) {
  return db_->run([&](soci::session& sql) -> Status {
    long long e = expires_at;
    sql << "INSERT INTO revoked_tokens (jti, expires_at) VALUES (:j, :e) ON CONFLICT (jti) DO NOTHING", soci::use(jti),
        soci::use(e);
    return ok();
  });
}

Status SqlRevocationStore::revoke_grant(const std::string& grant_id, std::int64_t now, std::int64_t keep_until) {
  return db_->write([&](soci::session& sql) -> Status {
    revoke_grant_in(sql, grant_id, now, keep_until);
    return ok();
  });
}

Result<bool> SqlRevocationStore::is_revoked(const std::string& jti, const std::string& grant_id) {
  return db_->run([&](soci::session& sql) -> Result<bool> {
    int n = 0;
    sql << "SELECT (SELECT COUNT(*) FROM revoked_tokens WHERE jti = :j) + (SELECT COUNT(*) FROM revoked_grants WHERE"
           " grant_id = :g)",
        soci::use(jti), soci::use(grant_id), soci::into(n);
    return n > 0;
  });
}

Status SqlRevocationStore::purge_expired(std::int64_t now) {
  return db_->run([&](soci::session& sql) -> Status {
    long long n = now;
    sql << "DELETE FROM revoked_tokens WHERE expires_at < :n", soci::use(n);
    sql << "DELETE FROM revoked_grants WHERE expires_at < :n", soci::use(n);
    return ok();
  });
}

}  // namespace cells::store
