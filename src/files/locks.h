// WebDAV write locks (RFC 4918 §6-7): exclusive or shared, depth 0 or infinity, with timeouts.
// Locks are on paths ("WORKSPACE/a/b"), as RFC 4918 puts them on URLs. A modifying request must
// present (in its If header) the token of every lock that covers what it changes. Locks live in
// the database (store::DavLockStore), so every node sees the same ones.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "core/result.h"
#include "store/dav_locks.h"

namespace cells::files {

using Lock = store::DavLock;

class LockManager {
 public:
  static constexpr std::int64_t kMaxTimeout = 3600;
  explicit LockManager(store::DavLockStore& store) : store_(store) {}

  // Error "locked" when a conflicting lock exists on the path, a deep ancestor, or (for a deep
  // lock) a descendant.
  Result<Lock> lock(const std::string& path, bool exclusive, bool deep, std::string owner_xml, std::int64_t timeout);
  // Error "precondition" when `token` is not a lock covering `path`.
  Result<Lock> refresh(const std::string& path, const std::string& token, std::int64_t timeout);
  // Error "conflict" when `token` is not a lock on or above `path`.
  Status unlock(const std::string& path, const std::string& token);

  // Locks covering `path` (on it or a deep ancestor), plus, with `descendants`, any lock below.
  Result<std::vector<Lock>> covering(const std::string& path, bool descendants);
  // Whether `token` names a lock covering `path`.
  Result<bool> token_covers(const std::string& token, const std::string& path);
  // Drops the locks on and below `path` (after DELETE or MOVE).
  Status release_tree(const std::string& path);

 private:
  store::DavLockStore& store_;
};

bool path_within(const std::string& path, const std::string& ancestor);  // ancestor or same

}  // namespace cells::files
