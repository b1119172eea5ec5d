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

std::vector<Lock>::iterator find_token(std::vector<Lock>& locks, const std::string& token) {
  return std::find_if(locks.begin(), locks.end(), [&](const Lock& l) { return l.token == token; });
}
}  // namespace

Result<Lock> LockManager::lock(const std::string& path, bool exclusive, bool deep, std::string owner_xml,
                               std::int64_t timeout) {
  auto now = now_seconds();
  timeout = std::clamp<std::int64_t>(timeout, 1, kMaxTimeout);
  Lock fresh{"opaquelocktoken:" + new_uuid(), path, exclusive, deep, std::move(owner_xml), timeout, now + timeout};
  auto st = store_.update(now, [&](std::vector<Lock>& locks) -> Status {
    for (const auto& l : locks) {
      bool overlaps = covers(l, path) || (deep && path_within(l.path, path));
      if (overlaps && (exclusive || l.exclusive)) return err("locked", "the resource is locked");
    }
    locks.push_back(fresh);
    return ok();
  });
  if (!st) return st.error();
  return fresh;
}

Result<Lock> LockManager::refresh(const std::string& path, const std::string& token, std::int64_t timeout) {
  auto now = now_seconds();
  Lock refreshed;
  auto st = store_.update(now, [&](std::vector<Lock>& locks) -> Status {
    auto it = find_token(locks, token);
    if (it == locks.end() || !covers(*it, path)) return err("precondition", "no such lock on this resource");
    it->timeout = std::clamp<std::int64_t>(timeout, 1, kMaxTimeout);
    it->expires_at = now + it->timeout;
    refreshed = *it;
    return ok();
  });
  if (!st) return st.error();
  return refreshed;
}

Status LockManager::unlock(const std::string& path, const std::string& token) {
  return store_.update(now_seconds(), [&](std::vector<Lock>& locks) -> Status {
    auto it = find_token(locks, token);
    if (it == locks.end() || !covers(*it, path)) return err("conflict", "the lock token does not apply here");
    locks.erase(it);
    return ok();
  });
}

Result<std::vector<Lock>> LockManager::covering(const std::string& path, bool descendants) {
  auto locks = store_.active(now_seconds());
  if (!locks) return locks;
  std::erase_if(*locks, [&](const Lock& l) { return !(covers(l, path) || (descendants && path_within(l.path, path))); });
  return locks;
}

Result<bool> LockManager::token_covers(const std::string& token, const std::string& path) {
  auto locks = store_.active(now_seconds());
  if (!locks) return locks.error();
  auto it = find_token(*locks, token);
  return it != locks->end() && covers(*it, path);
}

Status LockManager::release_tree(const std::string& path) {
  return store_.update(now_seconds(), [&](std::vector<Lock>& locks) -> Status {
    std::erase_if(locks, [&](const Lock& l) { return path_within(l.path, path); });
    return ok();
  });
}

}  // namespace cells::files
