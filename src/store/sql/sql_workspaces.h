// WorkspaceStore on a Database (SQLite or PostgreSQL).
#pragma once
#include <memory>

#include "store/database.h"
#include "store/workspaces.h"

namespace cells::store {

class SqlWorkspaceStore final : public WorkspaceStore {
 public:
  explicit SqlWorkspaceStore(std::shared_ptr<Database> db) : db_(std::move(db)) {}
  Status create(const Workspace& w) override;
  Result<std::optional<Workspace>> find(const std::string& slug) override;
  Result<std::vector<Workspace>> list() override;
  Status remove(const std::string& slug) override;
  Status set_grant(const WorkspaceGrant& g) override;
  Result<std::optional<WorkspaceGrant>> grant(const std::string& slug, const std::string& user_id) override;
  Result<std::vector<WorkspaceGrant>> grants(const std::string& slug) override;

 private:
  std::shared_ptr<Database> db_;
};

}  // namespace cells::store
