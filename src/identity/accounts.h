// User accounts: creation with input validation, password changes, and the one password check
// used by the login page and basic auth (with lockout and equal timing for unknown logins).
#pragma once
#include <string>
#include <vector>

#include "core/result.h"
#include "identity/lockout.h"
#include "store/users.h"

namespace cells::identity {

struct NewUser {
  std::string login;
  std::string password;
  std::string email;
  std::string name;
  bool is_admin = false;
};

class Accounts {
 public:
  Accounts(store::UserStore& users, Lockout& lockout) : users_(users), lockout_(lockout) {}

  // Errors: "invalid_input" (bad login, e-mail or password), "conflict", "unavailable".
  Result<store::User> create(const NewUser& user);
  Status set_password(const std::string& login, const std::string& password);
  Status remove(const std::string& login);
  Status unlock(const std::string& login);
  Result<std::vector<store::User>> list() { return users_.list(); }
  Result<store::User> find(const std::string& login);

  // Errors: "invalid_credentials" (never says which part was wrong), "locked" (message says for
  // how long), "unavailable".
  Result<store::User> authenticate(const std::string& login, const std::string& password, const std::string& address);

 private:
  store::UserStore& users_;
  Lockout& lockout_;
};

// Validation rules shared with the admin channel and any API that accepts them.
Status validate_login(const std::string& login);
Status validate_password(const std::string& password);
Status validate_email(const std::string& email);

}  // namespace cells::identity
