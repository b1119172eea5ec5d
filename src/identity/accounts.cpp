#include "identity/accounts.h"

#include <cctype>

#include "core/clock.h"
#include "core/uuid.h"
#include "identity/password.h"

namespace cells::identity {

Status validate_login(const std::string& login) {
  if (login.empty() || login.size() > 128) return err("invalid_input", "login must be 1 to 128 characters");
  for (unsigned char c : login)
    if (!std::isalnum(c) && c != '.' && c != '_' && c != '-' && c != '@')
      return err("invalid_input", "login may contain only letters, digits, '.', '_', '-' and '@'");
  return ok();
}

Status validate_password(const std::string& password) {
  if (password.size() < 8) return err("invalid_input", "password must be at least 8 characters");
  if (password.size() > kMaxPasswordBytes) return err("invalid_input", "password must be at most 1024 bytes");
  return ok();
}

Status validate_email(const std::string& email) {
  if (email.empty()) return ok();
  auto at = email.find('@');
  if (email.size() > 254 || at == std::string::npos || at == 0 || at + 1 >= email.size() ||
      email.find_first_of(" \t\r\n<>\"") != std::string::npos)
    return err("invalid_input", "e-mail address is not valid");
  return ok();
}

Result<store::User> Accounts::create(const NewUser& in) {
  for (auto st : {validate_login(in.login), validate_password(in.password), validate_email(in.email)})
    if (!st) return st.error();
  if (in.name.size() > 256) return err("invalid_input", "name must be at most 256 characters");
  store::User u;
  u.id = new_uuid();
  u.login = in.login;
  u.name = in.name.empty() ? in.login : in.name;
  u.email = in.email;
  u.password_hash = hash_password(in.password);
  u.is_admin = in.is_admin;
  u.created_at = u.updated_at = u.password_changed_at = now_seconds();
  if (auto st = users_.create(u); !st) return st.error();
  return u;
}

Result<store::User> Accounts::find(const std::string& login) {
  auto found = users_.find_by_login(login);
  if (!found) return found.error();
  if (!found->has_value()) return err("not_found", "no user with login '" + login + "'");
  return std::move(**found);
}

Status Accounts::set_password(const std::string& login, const std::string& password) {
  if (auto st = validate_password(password); !st) return st;
  auto user = find(login);
  if (!user) return user.error();
  return users_.set_password(user->id, hash_password(password), now_seconds());
}

Status Accounts::remove(const std::string& login) {
  auto user = find(login);
  if (!user) return user.error();
  return users_.remove(user->id);
}

Status Accounts::unlock(const std::string& login) {
  auto user = find(login);
  if (!user) return user.error();
  return lockout_.unlock(store::login_key(login));
}

Result<store::User> Accounts::authenticate(const std::string& login, const std::string& password,
                                           const std::string& address) {
  auto key = store::login_key(login);
  auto now = now_seconds();
  auto wait = lockout_.wait_seconds(key, address, now);
  if (!wait) return wait.error();
  if (*wait > 0)
    return err("locked", "too many failed attempts; try again in " + std::to_string(*wait) + " seconds");
  auto found = login.size() <= 128 ? users_.find_by_login(login) : Result<std::optional<store::User>>(std::nullopt);
  if (!found) return found.error();
  if (found->has_value() && verify_password(password, (*found)->password_hash)) {
    if (auto st = lockout_.record_success(key); !st) return st.error();
    return std::move(**found);
  }
  if (!found->has_value()) burn_password_time(password);
  if (auto st = lockout_.record_failure(key, address, now); !st) return st.error();
  return err("invalid_credentials", "wrong login or password");
}

}  // namespace cells::identity
