#include "store/sql/sql_oauth.h"

namespace cells::store {

namespace {
constexpr const char* kCodeColumns =
    "code_hash, grant_id, client_id, user_id, redirect_uri, scope, nonce, code_challenge, sid, auth_time, expires_at,"
    " used_at";
}

Status SqlCodeStore::save(const AuthorizationCode& c) {
  return db_->run([&](soci::session& sql) -> Status {
    long long a = c.auth_time, e = c.expires_at;
    sql << std::string("INSERT INTO auth_codes (") + kCodeColumns +
               ") VALUES (:h, :g, :c, :u, :r, :s, :n, :cc, :sid, :a, :e, 0)",
        soci::use(c.code_hash), soci::use(c.grant_id), soci::use(c.client_id), soci::use(c.user_id),
        soci::use(c.redirect_uri), soci::use(c.scope), soci::use(c.nonce), soci::use(c.code_challenge),
        soci::use(c.sid), soci::use(a), soci::use(e);
    return ok();
  });
}

Result<RedeemedCode> SqlCodeStore::redeem(const std::string& code_hash, std::int64_t now) {
  return db_->run([&](soci::session& sql) -> Result<RedeemedCode> {
    long long n = now;
    // The conditional update is the single-use guarantee: exactly one caller flips used_at.
    soci::statement mark = (sql.prepare << "UPDATE auth_codes SET used_at = :n WHERE code_hash = :h AND used_at = 0",
                            soci::use(n), soci::use(code_hash));
    bool won = affected(mark) == 1;
    soci::row r;
    sql << std::string("SELECT ") + kCodeColumns + " FROM auth_codes WHERE code_hash = :h", soci::use(code_hash),
        soci::into(r);
    RedeemedCode out;
    if (!sql.got_data()) return out;
    auto& c = out.code;
    c = {r.get<std::string>(0), r.get<std::string>(1), r.get<std::string>(2), r.get<std::string>(3),
         r.get<std::string>(4), r.get<std::string>(5), r.get<std::string>(6), r.get<std::string>(7),
         r.get<std::string>(8), r.get<long long>(9), r.get<long long>(10)};
    out.outcome = !won ? Redemption::replayed : c.expires_at <= now ? Redemption::expired : Redemption::redeemed;
    return out;
  });
}

Status SqlCodeStore::purge_expired(std::int64_t now) {
  return db_->run([&](soci::session& sql) -> Status {
    // Keep used codes a while past expiry so a late replay is still recognized and revoked.
    long long cutoff = now - 3600;
    sql << "DELETE FROM auth_codes WHERE expires_at < :c", soci::use(cutoff);
    return ok();
  });
}

}  // namespace cells::store
