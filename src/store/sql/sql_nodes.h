// NodeStore on a Database (SQLite or PostgreSQL).
#pragma once
#include <memory>

#include "store/database.h"
#include "store/nodes.h"

namespace cells::store {

class SqlNodeStore final : public NodeStore {
 public:
  explicit SqlNodeStore(std::shared_ptr<Database> db) : db_(std::move(db)) {}
  Result<Node> root(const std::string& workspace, const std::string& owner, std::int64_t now) override;
  Result<std::optional<Node>> find(const std::string& uuid) override;
  Result<std::optional<Node>> child(const std::string& parent_uuid, const std::string& name) override;
  Result<std::vector<Node>> children(const std::string& parent_uuid, std::int64_t offset, std::int64_t limit) override;
  Status create(const Node& node) override;
  Result<std::string> set_content(const std::string& uuid, std::int64_t size, std::int64_t mtime, const std::string& etag,
                                  const std::string& hash, const std::string& blob) override;
  Status move(const std::string& uuid, const std::string& new_parent, const std::string& new_name,
              std::int64_t mtime) override;
  Result<std::vector<std::string>> remove_tree(const std::string& uuid) override;
  Result<std::vector<DeadProperty>> properties(const std::string& uuid) override;
  Status change_properties(const std::string& uuid, const std::vector<PropertyChange>& changes) override;

 private:
  std::shared_ptr<Database> db_;
};

}  // namespace cells::store
