#include "files/locks.h"

#include <algorithm>

#include "core/clock.h"
#include "core/uuid.h"

namespace cells::files {

bool path_within(const std::string& path, const std::string& ancestor) {
  return path == ancestor || (path.size() > ancestor.size() && path.starts_with(ancestor) && path[ancestor.size()] == '/');
}

namespace {
bool covers(const Lock& l, const std::string& path) { return l.path == path || (l.deep && path_within(path, l.path)); }
}  // namespace

void LockManager::expire(std::int64_t now) {
  for (auto it = by_token_.begin(); it != by_token_.end();)
    it = it->second.expires_at <= now ? by_token_.erase(it) : std::next(it);
}

Result<Lock> LockManager::lock(const std::string& path, bool exclusive, bool deep, std::string owner_xml,
                               std::int64_t timeout) {
  std::lock_guard g(mu_);
  auto now = now_seconds();
  expire(now);
  for (const auto& [_, l] : by_token_) {
    bool overlaps = covers(l, path) || (deep && path_within(l.path, path));
    if (overlaps && (exclusive || l.exclusive)) return err("locked", "the resource is locked");
  }
  timeout = std::clamp<std::int64_t>(timeout, 1, kMaxTimeout);
  Lock l{"opaquelocktoken:" + new_uuid(), path, exclusive, deep, std::move(owner_xml), timeout, now + timeout};
  by_token_[l.token] = l;
  return l;
}

Result<Lock> LockManager::refresh(const std::string& path, const std::string& token, std::int64_t timeout) {
  std::lock_guard g(mu_);
  auto now = now_seconds();
  expire(now);
  auto it = by_token_.find(token);
  if (it == by_token_.end() || !covers(it->second, path)) return err("precondition", "no such lock on this resource");
  it->second.timeout = std::clamp<std::int64_t>(timeout, 1, kMaxTimeout);
  it->second.expires_at = now + it->second.timeout;
  return it->second;
}

Status LockManager::unlock(const std::string& path, const std::string& token) {
  std::lock_guard g(mu_);
  auto it = by_token_.find(token);
  if (it == by_token_.end() || !covers(it->second, path)) return err("conflict", "the lock token does not apply here");
  by_token_.erase(it);
  return ok();
}

std::vector<Lock> LockManager::covering(const std::string& path, bool descendants) {
  std::lock_guard g(mu_);
  expire(now_seconds());
  std::vector<Lock> out;
  for (const auto& [_, l] : by_token_)
    if (covers(l, path) || (descendants && path_within(l.path, path))) out.push_back(l);
  return out;
}

bool LockManager::token_covers(const std::string& token, const std::string& path) {
  std::lock_guard g(mu_);
  auto it = by_token_.find(token);
  return it != by_token_.end() && it->second.expires_at > now_seconds() && covers(it->second, path);
}

void LockManager::release_tree(const std::string& path) {
  std::lock_guard g(mu_);
  for (auto it = by_token_.begin(); it != by_token_.end();)
    it = path_within(it->second.path, path) ? by_token_.erase(it) : std::next(it);
}

}  // namespace cells::files
