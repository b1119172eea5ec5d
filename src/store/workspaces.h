// Workspaces created by admins (beyond the built-in personal-files and common-files) and the
// read/write rights granted on them to users.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"

namespace cells::store {

struct Workspace {
  std::string slug;  // also the first segment of paths: "projects/plan.pdf"
  std::string name;
  std::int64_t created_at = 0;
};

struct WorkspaceGrant {
  std::string workspace;
  std::string user_id;
  bool read = false;
  bool write = false;
};

class WorkspaceStore {
 public:
  virtual ~WorkspaceStore() = default;
  virtual Status create(const Workspace& w) = 0;  // "conflict" if the slug exists
  virtual Result<std::optional<Workspace>> find(const std::string& slug) = 0;
  virtual Result<std::vector<Workspace>> list() = 0;
  virtual Status remove(const std::string& slug) = 0;  // also its grants; "not_found"
  // Sets (replaces) a user's rights; no rights at all removes the grant.
  virtual Status set_grant(const WorkspaceGrant& g) = 0;
  virtual Result<std::optional<WorkspaceGrant>> grant(const std::string& slug, const std::string& user_id) = 0;
  virtual Result<std::vector<WorkspaceGrant>> grants(const std::string& slug) = 0;
};

}  // namespace cells::store
