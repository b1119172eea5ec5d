// DavLockStore on the dav_locks table (SQLite or PostgreSQL).
#pragma once
#include <memory>

#include "store/dav_locks.h"
#include "store/database.h"

namespace cells::store {

class SqlDavLockStore : public DavLockStore {
 public:
  explicit SqlDavLockStore(std::shared_ptr<Database> db) : db_(std::move(db)) {}
  Result<std::vector<DavLock>> active(std::int64_t now) override;
  Status update(std::int64_t now, const std::function<Status(std::vector<DavLock>&)>& change) override;

 private:
  std::shared_ptr<Database> db_;
};

}  // namespace cells::store
