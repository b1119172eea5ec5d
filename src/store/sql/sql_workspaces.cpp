#include "store/sql/sql_workspaces.h"

#include "store/sql/sql_oauth.h"

namespace cells::store {

namespace {
WorkspaceGrant grant_from(const soci::row& r) {
  return {r.get<std::string>(0), r.get<std::string>(1), r.get<int>(2) != 0, r.get<int>(3) != 0};
}
}  // namespace

Status SqlWorkspaceStore::create(const Workspace& w) {
  return db_->write([&](soci::session& sql) -> Status {
    int taken = 0;
    sql << "SELECT COUNT(*) FROM workspaces WHERE slug = :s", soci::use(w.slug), soci::into(taken);
    if (taken) return err("conflict", "workspace '" + w.slug + "' already exists");
    long long c = w.created_at;
    sql << "INSERT INTO workspaces (slug, name, created_at) VALUES (:s, :n, :c)", soci::use(w.slug), soci::use(w.name),
        soci::use(c);
    return ok();
  });
}

Result<std::optional<Workspace>> SqlWorkspaceStore::find(const std::string& slug) {
  return db_->run([&](soci::session& sql) -> Result<std::optional<Workspace>> {
    soci::row r;
    sql << "SELECT slug, name, created_at FROM workspaces WHERE slug = :s", soci::use(slug), soci::into(r);
    if (!sql.got_data()) return std::optional<Workspace>();
    return std::optional<Workspace>(Workspace{r.get<std::string>(0), r.get<std::string>(1), r.get<long long>(2)});
  });
}

Result<std::vector<Workspace>> SqlWorkspaceStore::list() {
  return db_->run([&](soci::session& sql) -> Result<std::vector<Workspace>> {
    std::vector<Workspace> out;
    soci::rowset<soci::row> rows = (sql.prepare << "SELECT slug, name, created_at FROM workspaces ORDER BY slug");
    for (const auto& r : rows) out.push_back({r.get<std::string>(0), r.get<std::string>(1), r.get<long long>(2)});
    return out;
  });
}

Status SqlWorkspaceStore::remove(const std::string& slug) {
  return db_->write([&](soci::session& sql) -> Status {
    soci::statement st = (sql.prepare << "DELETE FROM workspaces WHERE slug = :s", soci::use(slug));
    if (affected(st) == 0) return err("not_found", "no workspace '" + slug + "'");
    sql << "DELETE FROM workspace_grants WHERE workspace = :s", soci::use(slug);
    return ok();
  });
}

Status SqlWorkspaceStore::set_grant(const WorkspaceGrant& g) {
  return db_->write([&](soci::session& sql) -> Status {
    sql << "DELETE FROM workspace_grants WHERE workspace = :w AND user_id = :u", soci::use(g.workspace),
        soci::use(g.user_id);
    int r = g.read, w = g.write;
    if (r || w)
      sql << "INSERT INTO workspace_grants (workspace, user_id, can_read, can_write) VALUES (:w, :u, :r, :wr)",
          soci::use(g.workspace), soci::use(g.user_id), soci::use(r), soci::use(w);
    return ok();
  });
}

Result<std::optional<WorkspaceGrant>> SqlWorkspaceStore::grant(const std::string& slug, const std::string& user_id) {
  return db_->run([&](soci::session& sql) -> Result<std::optional<WorkspaceGrant>> {
    soci::row r;
    sql << "SELECT workspace, user_id, can_read, can_write FROM workspace_grants WHERE workspace = :w AND user_id = :u",
        soci::use(slug), soci::use(user_id), soci::into(r);
    if (!sql.got_data()) return std::optional<WorkspaceGrant>();
    return std::optional<WorkspaceGrant>(grant_from(r));
  });
}

Result<std::vector<WorkspaceGrant>> SqlWorkspaceStore::grants(const std::string& slug) {
  return db_->run([&](soci::session& sql) -> Result<std::vector<WorkspaceGrant>> {
    std::vector<WorkspaceGrant> out;
    soci::rowset<soci::row> rows =
        (sql.prepare << "SELECT workspace, user_id, can_read, can_write FROM workspace_grants WHERE workspace = :w",
         soci::use(slug));
    for (const auto& r : rows) out.push_back(grant_from(r));
    return out;
  });
}

}  // namespace cells::store
