#include "store/sql/sql_users.h"

#include <algorithm>
#include <cctype>

namespace cells::store {

std::string login_key(const std::string& login) {
  std::string key = login;
  std::transform(key.begin(), key.end(), key.begin(), [](unsigned char c) { return std::tolower(c); });
  return key;
}

namespace {
constexpr const char* kColumns =
    "id, login, name, email, password_hash, is_admin, created_at, updated_at, password_changed_at";

User from_row(const soci::row& r) {
  User u;
  u.id = r.get<std::string>(0);
  u.login = r.get<std::string>(1);
  u.name = r.get<std::string>(2);
  u.email = r.get<std::string>(3);
  u.password_hash = r.get<std::string>(4);
  u.is_admin = r.get<int>(5) != 0;
  u.created_at = r.get<long long>(6);
  u.updated_at = r.get<long long>(7);
  u.password_changed_at = r.get<long long>(8);
  return u;
}
}  // namespace

Status SqlUserStore::create(const User& u) {
  return db_->write([&](soci::session& sql) -> Status {
    std::string key = login_key(u.login);
    int taken = 0;
    sql << "SELECT COUNT(*) FROM users WHERE login_key = :k", soci::use(key), soci::into(taken);
    if (taken) return err("conflict", "a user with login '" + u.login + "' already exists");
    int admin = u.is_admin;
    long long c = u.created_at, up = u.updated_at, pc = u.password_changed_at;
    sql << "INSERT INTO users (id, login, login_key, name, email, password_hash, is_admin, created_at, updated_at,"
           " password_changed_at) VALUES (:id, :login, :key, :name, :email, :ph, :admin, :c, :u, :pc)",
        soci::use(u.id), soci::use(u.login), soci::use(key), soci::use(u.name), soci::use(u.email),
        soci::use(u.password_hash), soci::use(admin), soci::use(c), soci::use(up), soci::use(pc);
    return ok();
  });
}

Result<std::optional<User>> SqlUserStore::find_one(const char* where, const std::string& value) {
  return db_->run([&](soci::session& sql) -> Result<std::optional<User>> {
    soci::row r;
    sql << std::string("SELECT ") + kColumns + " FROM users WHERE " + where, soci::use(value), soci::into(r);
    if (!sql.got_data()) return std::optional<User>();
    return std::optional<User>(from_row(r));
  });
}

Result<std::optional<User>> SqlUserStore::find_by_login(const std::string& login) {
  return find_one("login_key = :v", login_key(login));
}

Result<std::optional<User>> SqlUserStore::find_by_id(const std::string& id) { return find_one("id = :v", id); }

Result<std::vector<User>> SqlUserStore::list() {
  return db_->run([&](soci::session& sql) -> Result<std::vector<User>> {
    std::vector<User> users;
    soci::rowset<soci::row> rows = (sql.prepare << std::string("SELECT ") + kColumns + " FROM users ORDER BY login_key");
    for (const auto& r : rows) users.push_back(from_row(r));
    return users;
  });
}

Status SqlUserStore::set_password(const std::string& id, const std::string& hash, std::int64_t now) {
  return db_->write([&](soci::session& sql) -> Status {
    long long t = now;
    soci::statement st = (sql.prepare << "UPDATE users SET password_hash = :h, updated_at = :t, password_changed_at = :t2"
                                         " WHERE id = :id",
                          soci::use(hash), soci::use(t), soci::use(t), soci::use(id));
    st.execute(true);
    if (st.get_affected_rows() == 0) return err("not_found", "no such user");
    return ok();
  });
}

Status SqlUserStore::remove(const std::string& id) {
  return db_->write([&](soci::session& sql) -> Status {
    soci::statement st = (sql.prepare << "DELETE FROM users WHERE id = :id", soci::use(id));
    st.execute(true);
    if (st.get_affected_rows() == 0) return err("not_found", "no such user");
    sql << "DELETE FROM login_sessions WHERE user_id = :id", soci::use(id);
    return ok();
  });
}

Result<std::int64_t> SqlUserStore::count() {
  return db_->run([&](soci::session& sql) -> Result<std::int64_t> {
    long long n = 0;
    sql << "SELECT COUNT(*) FROM users", soci::into(n);
    return static_cast<std::int64_t>(n);
  });
}

}  // namespace cells::store
