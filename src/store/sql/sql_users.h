// UserStore on a Database (SQLite or PostgreSQL).
#pragma once
#include <memory>

#include "store/database.h"
#include "store/users.h"

namespace cells::store {

class SqlUserStore final : public UserStore {
 public:
  explicit SqlUserStore(std::shared_ptr<Database> db) : db_(std::move(db)) {}
  Status create(const User& user) override;
  Result<std::optional<User>> find_by_login(const std::string& login) override;
  Result<std::optional<User>> find_by_id(const std::string& id) override;
  Result<std::vector<User>> list() override;
  Status set_password(const std::string& id, const std::string& password_hash, std::int64_t now) override;
  Status remove(const std::string& id) override;
  Result<std::int64_t> count() override;

 private:
  Result<std::optional<User>> find_one(const char* where, const std::string& value);
  std::shared_ptr<Database> db_;
};

}  // namespace cells::store
