// LoginFailureStore on the login_failures table (SQLite or PostgreSQL).
#pragma once
#include <memory>

#include "store/database.h"
#include "store/login_failures.h"

namespace cells::store {

class SqlLoginFailureStore : public LoginFailureStore {
 public:
  explicit SqlLoginFailureStore(std::shared_ptr<Database> db) : db_(std::move(db)) {}
  Result<std::int64_t> blocked_until(const std::vector<std::string>& keys) override;
  Status update(const std::string& key, std::int64_t now, const std::function<void(FailureCount&)>& change) override;
  Status clear(const std::string& key) override;
  Status purge(std::int64_t before) override;

 private:
  std::shared_ptr<Database> db_;
};

}  // namespace cells::store
