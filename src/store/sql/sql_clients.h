// ClientStore on a Database (SQLite or PostgreSQL). Redirect URIs and grant types are stored as
// JSON arrays of strings in TEXT columns; a row that does not parse reads as Error{"unavailable"}.
// remove() also deletes the client's pending codes and refresh tokens.
#pragma once
#include <memory>

#include "store/clients.h"
#include "store/database.h"

namespace cells::store {

class SqlClientStore final : public ClientStore {
 public:
  explicit SqlClientStore(std::shared_ptr<Database> db) : db_(std::move(db)) {}
  Status create(const Client& client) override;
  Result<std::optional<Client>> find(const std::string& id) override;
  Result<std::vector<Client>> list() override;
  Status remove(const std::string& id) override;

 private:
  std::shared_ptr<Database> db_;
};

}  // namespace cells::store
