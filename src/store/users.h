// Storage of user accounts. Logins are unique case-insensitively (login_key is the lower-cased
// login); the id is a UUID and never changes.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"

namespace cells::store {

struct User {
  std::string id;
  std::string login;
  std::string name;
  std::string email;
  std::string password_hash;  // Argon2id string (identity/password.h)
  bool is_admin = false;
  std::int64_t created_at = 0;
  std::int64_t updated_at = 0;
  std::int64_t password_changed_at = 0;
};

class UserStore {
 public:
  virtual ~UserStore() = default;
  // Error "conflict" when the login is taken.
  virtual Status create(const User& user) = 0;
  virtual Result<std::optional<User>> find_by_login(const std::string& login) = 0;
  virtual Result<std::optional<User>> find_by_id(const std::string& id) = 0;
  virtual Result<std::vector<User>> list() = 0;
  // Error "not_found" when no such user.
  virtual Status set_password(const std::string& id, const std::string& password_hash, std::int64_t now) = 0;
  virtual Status remove(const std::string& id) = 0;
  virtual Result<std::int64_t> count() = 0;
};

std::string login_key(const std::string& login);  // the case-folded form used for uniqueness

}  // namespace cells::store
