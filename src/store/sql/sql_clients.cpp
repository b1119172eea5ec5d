#include "store/sql/sql_clients.h"

#include <boost/json/array.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <stdexcept>

namespace cells::store {

namespace {
constexpr const char* kColumns =
    "id, secret_hash, name, redirect_uris, grant_types, is_public, access_token_alg, id_token_alg, created_at";

std::string to_json(const std::vector<std::string>& items) {
  boost::json::array a;
  for (const auto& s : items) a.emplace_back(s);
  return boost::json::serialize(a);
}

// Throws on a malformed column: Database::run turns that into "unavailable" rather than
// handing out a client with silently missing redirect URIs or grants.
std::vector<std::string> from_json(const std::string& text) {
  std::vector<std::string> items;
  auto parsed = boost::json::parse(text);  // kept alive: the loop must not iterate a temporary
  for (const auto& v : parsed.as_array()) {
    if (!v.is_string()) throw std::runtime_error("clients row holds a non-string list item");
    items.emplace_back(v.as_string());
  }
  return items;
}

Client from_row(const soci::row& r) {
  Client c;
  c.id = r.get<std::string>(0);
  c.secret_hash = r.get<std::string>(1);
  c.name = r.get<std::string>(2);
  c.redirect_uris = from_json(r.get<std::string>(3));
  c.grant_types = from_json(r.get<std::string>(4));
  c.is_public = r.get<int>(5) != 0;
  c.access_token_alg = r.get<std::string>(6);
  c.id_token_alg = r.get<std::string>(7);
  c.created_at = r.get<long long>(8);
  return c;
}
}  // namespace

Status SqlClientStore::create(const Client& c) {
  return db_->write([&](soci::session& sql) -> Status {
    int taken = 0;
    sql << "SELECT COUNT(*) FROM clients WHERE id = :id", soci::use(c.id), soci::into(taken);
    if (taken) return err("conflict", "a client with id '" + c.id + "' already exists");
    std::string uris = to_json(c.redirect_uris), grants = to_json(c.grant_types);
    int is_public = c.is_public;
    long long created = c.created_at;
    sql << "INSERT INTO clients (" << kColumns << ") VALUES (:id, :sh, :name, :uris, :grants, :pub, :ata, :ita, :c)",
        soci::use(c.id), soci::use(c.secret_hash), soci::use(c.name), soci::use(uris), soci::use(grants),
        soci::use(is_public), soci::use(c.access_token_alg), soci::use(c.id_token_alg), soci::use(created);
    return ok();
  });
}

Result<std::optional<Client>> SqlClientStore::find(const std::string& id) {
  return db_->run([&](soci::session& sql) -> Result<std::optional<Client>> {
    soci::row r;
    sql << std::string("SELECT ") + kColumns + " FROM clients WHERE id = :id", soci::use(id), soci::into(r);
    if (!sql.got_data()) return std::optional<Client>();
    return std::optional<Client>(from_row(r));
  });
}

Result<std::vector<Client>> SqlClientStore::list() {
  return db_->run([&](soci::session& sql) -> Result<std::vector<Client>> {
    std::vector<Client> clients;
    soci::rowset<soci::row> rows = (sql.prepare << std::string("SELECT ") + kColumns + " FROM clients ORDER BY id");
    for (const auto& r : rows) clients.push_back(from_row(r));
    return clients;
  });
}

Status SqlClientStore::remove(const std::string& id) {
  return db_->write([&](soci::session& sql) -> Status {
    soci::statement st = (sql.prepare << "DELETE FROM clients WHERE id = :id", soci::use(id));
    st.execute(true);
    if (st.get_affected_rows() == 0) return err("not_found", "no such client");
    // So that a client later created again under the same id inherits none of its grants.
    sql << "DELETE FROM auth_codes WHERE client_id = :id", soci::use(id);
    sql << "DELETE FROM refresh_tokens WHERE client_id = :id", soci::use(id);
    return ok();
  });
}

}  // namespace cells::store
