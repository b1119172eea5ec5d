// PersonalTokenStore on a Database (SQLite or PostgreSQL).
#pragma once
#include <memory>

#include "store/database.h"
#include "store/personal_tokens.h"

namespace cells::store {

class SqlPersonalTokenStore final : public PersonalTokenStore {
 public:
  explicit SqlPersonalTokenStore(std::shared_ptr<Database> db) : db_(std::move(db)) {}
  Status create(const PersonalToken& t) override;
  Result<std::optional<PersonalToken>> find_by_hash(const std::string& token_hash) override;
  Result<std::vector<PersonalToken>> list(const std::string& user_id) override;
  Result<std::string> remove(const std::string& id) override;
  Status record_uses(const std::vector<TokenUse>& uses) override;
  Status purge_expired(std::int64_t now) override;

 private:
  std::shared_ptr<Database> db_;
};

}  // namespace cells::store
