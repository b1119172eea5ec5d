#include "store/sql/sql_nodes.h"

#include "core/uuid.h"
#include "store/sql/sql_oauth.h"

namespace cells::store {

namespace {
constexpr const char* kColumns =
    "uuid, workspace, owner, parent_uuid, name, is_folder, size, mtime, etag, content_hash, blob";

Node from_row(const soci::row& r) {
  return {r.get<std::string>(0), r.get<std::string>(1), r.get<std::string>(2), r.get<std::string>(3),
          r.get<std::string>(4), r.get<int>(5) != 0,    r.get<long long>(6),   r.get<long long>(7),
          r.get<std::string>(8), r.get<std::string>(9), r.get<std::string>(10)};
}

std::optional<Node> select_one(soci::session& sql, const std::string& where, const std::string& a,
                               const std::string* b = nullptr) {
  soci::row r;
  std::string q = std::string("SELECT ") + kColumns + " FROM nodes WHERE " + where;
  if (b)
    sql << q, soci::use(a), soci::use(*b), soci::into(r);
  else
    sql << q, soci::use(a), soci::into(r);
  if (!sql.got_data()) return std::nullopt;
  return from_row(r);
}

void insert(soci::session& sql, const Node& n) {
  int folder = n.is_folder;
  long long size = n.size, mtime = n.mtime;
  sql << std::string("INSERT INTO nodes (") + kColumns +
             ") VALUES (:u, :w, :o, :p, :n, :f, :s, :m, :e, :h, :b)",
      soci::use(n.uuid), soci::use(n.workspace), soci::use(n.owner), soci::use(n.parent_uuid), soci::use(n.name),
      soci::use(folder), soci::use(size), soci::use(mtime), soci::use(n.etag), soci::use(n.content_hash),
      soci::use(n.blob);
}
}  // namespace

Result<Node> SqlNodeStore::root(const std::string& workspace, const std::string& owner, std::int64_t now) {
  std::string name = workspace + "/" + owner;
  const std::string no_parent;
  auto lookup = [&](soci::session& sql) { return select_one(sql, "parent_uuid = :p AND name = :n", no_parent, &name); };
  // Every file request starts here and the root almost always exists: look in a plain read
  // first, so requests do not queue for the write lock (SQLite) or open a write transaction.
  auto existing = db_->run([&](soci::session& sql) -> Result<std::optional<Node>> { return lookup(sql); });
  if (!existing) return existing.error();
  if (*existing) return **existing;
  auto find_or_create = [&] {
    return db_->write([&](soci::session& sql) -> Result<Node> {
      if (auto found = lookup(sql)) return *found;
      Node root{new_uuid(), workspace, owner, "", name, true, 0, now, new_uuid(), "", ""};
      insert(sql, root);
      return root;
    });
  };
  auto root = find_or_create();
  // Another node created it between our SELECT and INSERT (PostgreSQL does not serialize the
  // two transactions as SQLite's BEGIN IMMEDIATE does): theirs is the root.
  if (!root && root.error().code == "conflict") root = find_or_create();
  return root;
}

Result<std::optional<Node>> SqlNodeStore::find(const std::string& uuid) {
  return db_->run([&](soci::session& sql) -> Result<std::optional<Node>> { return select_one(sql, "uuid = :u", uuid); });
}

Result<std::optional<Node>> SqlNodeStore::child(const std::string& parent_uuid, const std::string& name) {
  return db_->run([&](soci::session& sql) -> Result<std::optional<Node>> {
    return select_one(sql, "parent_uuid = :p AND name = :n", parent_uuid, &name);
  });
}

Result<std::vector<Node>> SqlNodeStore::children(const std::string& parent_uuid, std::int64_t offset,
                                                 std::int64_t limit) {
  return db_->run([&](soci::session& sql) -> Result<std::vector<Node>> {
    std::vector<Node> out;
    long long o = offset, l = limit;
    soci::rowset<soci::row> rows =
        (sql.prepare << std::string("SELECT ") + kColumns +
                            " FROM nodes WHERE parent_uuid = :p ORDER BY name LIMIT :l OFFSET :o",
         soci::use(parent_uuid), soci::use(l), soci::use(o));
    for (const auto& r : rows) out.push_back(from_row(r));
    return out;
  });
}

Status SqlNodeStore::create(const Node& node) {
  return db_->write([&](soci::session& sql) -> Status {
    if (select_one(sql, "parent_uuid = :p AND name = :n", node.parent_uuid, &node.name))
      return err("conflict", "'" + node.name + "' already exists");
    insert(sql, node);
    return ok();
  });
}

Result<std::string> SqlNodeStore::set_content(const std::string& uuid, std::int64_t size, std::int64_t mtime,
                                              const std::string& etag, const std::string& hash,
                                              const std::string& blob) {
  return db_->write([&](soci::session& sql) -> Result<std::string> {
    auto node = select_one(sql, "uuid = :u", uuid);
    if (!node) return err("not_found", "no such node");
    long long s = size, m = mtime;
    sql << "UPDATE nodes SET size = :s, mtime = :m, etag = :e, content_hash = :h, blob = :b WHERE uuid = :u",
        soci::use(s), soci::use(m), soci::use(etag), soci::use(hash), soci::use(blob), soci::use(uuid);
    return node->blob;
  });
}

Status SqlNodeStore::move(const std::string& uuid, const std::string& new_parent, const std::string& new_name,
                          std::int64_t mtime) {
  return db_->write([&](soci::session& sql) -> Status {
    if (auto other = select_one(sql, "parent_uuid = :p AND name = :n", new_parent, &new_name); other && other->uuid != uuid)
      return err("conflict", "'" + new_name + "' already exists");
    long long m = mtime;
    soci::statement st = (sql.prepare << "UPDATE nodes SET parent_uuid = :p, name = :n, mtime = :m WHERE uuid = :u",
                          soci::use(new_parent), soci::use(new_name), soci::use(m), soci::use(uuid));
    if (affected(st) == 0) return err("not_found", "no such node");
    return ok();
  });
}

Result<std::vector<std::string>> SqlNodeStore::remove_tree(const std::string& uuid) {
  return db_->write([&](soci::session& sql) -> Result<std::vector<std::string>> {
    std::vector<std::string> blobs, pending{uuid};
    while (!pending.empty()) {
      std::string current = pending.back();
      pending.pop_back();
      soci::rowset<soci::row> rows =
          (sql.prepare << "SELECT uuid, blob FROM nodes WHERE parent_uuid = :p", soci::use(current));
      for (const auto& r : rows) {
        pending.push_back(r.get<std::string>(0));
        if (!r.get<std::string>(1).empty()) blobs.push_back(r.get<std::string>(1));
      }
      if (auto self = select_one(sql, "uuid = :u", current); self && !self->blob.empty() && current == uuid)
        blobs.push_back(self->blob);
      sql << "DELETE FROM nodes WHERE uuid = :u", soci::use(current);
      sql << "DELETE FROM node_props WHERE node_uuid = :u", soci::use(current);
    }
    return blobs;
  });
}

Result<std::vector<DeadProperty>> SqlNodeStore::properties(const std::string& uuid) {
  return db_->run([&](soci::session& sql) -> Result<std::vector<DeadProperty>> {
    std::vector<DeadProperty> out;
    soci::rowset<soci::row> rows =
        (sql.prepare << "SELECT ns, name, value FROM node_props WHERE node_uuid = :u ORDER BY ns, name", soci::use(uuid));
    for (const auto& r : rows) out.push_back({r.get<std::string>(0), r.get<std::string>(1), r.get<std::string>(2)});
    return out;
  });
}

Status SqlNodeStore::change_properties(const std::string& uuid, const std::vector<PropertyChange>& changes) {
  return db_->write([&](soci::session& sql) -> Status {
    for (const auto& c : changes) {
      sql << "DELETE FROM node_props WHERE node_uuid = :u AND ns = :ns AND name = :n", soci::use(uuid),
          soci::use(c.prop.ns), soci::use(c.prop.name);
      if (c.set)
        sql << "INSERT INTO node_props (node_uuid, ns, name, value) VALUES (:u, :ns, :n, :v)", soci::use(uuid),
            soci::use(c.prop.ns), soci::use(c.prop.name), soci::use(c.prop.value);
    }
    return ok();
  });
}

}  // namespace cells::store
