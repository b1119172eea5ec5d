#include "store/sql/sql_personal_tokens.h"

#include <boost/json.hpp>

#include "store/sql/sql_oauth.h"

namespace cells::store {

namespace {
constexpr const char* kColumns =
    "id, token_hash, user_id, label, created_by, created_at, last_used_at, expires_at, window_seconds, max_expires_at,"
    " scopes";

PersonalToken from_row(const soci::row& r) {
  PersonalToken t{r.get<std::string>(0), r.get<std::string>(1), r.get<std::string>(2), r.get<std::string>(3),
                  r.get<std::string>(4), r.get<long long>(5),   r.get<long long>(6),   r.get<long long>(7),
                  r.get<long long>(8),   r.get<long long>(9),   {}};
  auto scopes = boost::json::parse(r.get<std::string>(10));
  for (const auto& v : scopes.as_array()) t.scopes.emplace_back(v.as_string());
  return t;
}
}  // namespace

Status SqlPersonalTokenStore::create(const PersonalToken& t) {
  return db_->run([&](soci::session& sql) -> Status {
    boost::json::array a(t.scopes.begin(), t.scopes.end());
    std::string scopes = boost::json::serialize(a);
    long long c = t.created_at, l = t.last_used_at, e = t.expires_at, w = t.window_seconds, m = t.max_expires_at;
    sql << std::string("INSERT INTO personal_tokens (") + kColumns +
               ") VALUES (:i, :h, :u, :l, :b, :c, :lu, :e, :w, :m, :s)",
        soci::use(t.id), soci::use(t.token_hash), soci::use(t.user_id), soci::use(t.label), soci::use(t.created_by),
        soci::use(c), soci::use(l), soci::use(e), soci::use(w), soci::use(m), soci::use(scopes);
    return ok();
  });
}

Result<std::optional<PersonalToken>> SqlPersonalTokenStore::find_by_hash(const std::string& token_hash) {
  return db_->run([&](soci::session& sql) -> Result<std::optional<PersonalToken>> {
    soci::row r;
    sql << std::string("SELECT ") + kColumns + " FROM personal_tokens WHERE token_hash = :h", soci::use(token_hash),
        soci::into(r);
    if (!sql.got_data()) return std::optional<PersonalToken>();
    return std::optional<PersonalToken>(from_row(r));
  });
}

Result<std::vector<PersonalToken>> SqlPersonalTokenStore::list(const std::string& user_id) {
  return db_->run([&](soci::session& sql) -> Result<std::vector<PersonalToken>> {
    std::vector<PersonalToken> out;
    std::string q = std::string("SELECT ") + kColumns + " FROM personal_tokens WHERE user_id = :u OR :all = 1 ORDER BY created_at";
    int all = user_id.empty();
    soci::rowset<soci::row> rows = (sql.prepare << q, soci::use(user_id), soci::use(all));
    for (const auto& r : rows) out.push_back(from_row(r));
    return out;
  });
}

Result<std::string> SqlPersonalTokenStore::remove(const std::string& id) {
  return db_->write([&](soci::session& sql) -> Result<std::string> {
    std::string hash;
    sql << "SELECT token_hash FROM personal_tokens WHERE id = :i", soci::use(id), soci::into(hash);
    if (!sql.got_data()) return err("not_found", "no token with id '" + id + "'");
    sql << "DELETE FROM personal_tokens WHERE id = :i", soci::use(id);
    return hash;
  });
}

Status SqlPersonalTokenStore::record_uses(const std::vector<TokenUse>& uses) {
  return db_->write([&](soci::session& sql) -> Status {
    for (const auto& u : uses) {
      long long e = u.expires_at, l = u.last_used_at;
      // Never backwards: nodes flush their uses in any order.
      sql << "UPDATE personal_tokens SET expires_at = CASE WHEN expires_at < :e THEN :e2 ELSE expires_at END,"
             " last_used_at = CASE WHEN last_used_at < :l THEN :l2 ELSE last_used_at END WHERE token_hash = :h",
          soci::use(e), soci::use(e), soci::use(l), soci::use(l), soci::use(u.token_hash);
    }
    return ok();
  });
}

Status SqlPersonalTokenStore::purge_expired(std::int64_t now) {
  return db_->run([&](soci::session& sql) -> Status {
    long long n = now;
    sql << "DELETE FROM personal_tokens WHERE expires_at < :n", soci::use(n);
    return ok();
  });
}

}  // namespace cells::store
