// WebDAV locks, shared by every node: the lock table is the truth, so a LOCK taken through one
// node is honoured by all. Few locks exist at a time, so a change rewrites them as a whole.
#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/result.h"

namespace cells::store {

struct DavLock {
  std::string token;  // "opaquelocktoken:UUID"
  std::string path;   // "WORKSPACE/a/b"
  bool exclusive = true;
  bool deep = false;  // Depth: infinity
  std::string owner_xml;
  std::int64_t timeout = 0;  // seconds
  std::int64_t expires_at = 0;
};

class DavLockStore {
 public:
  virtual ~DavLockStore() = default;
  // The locks not expired at `now`.
  virtual Result<std::vector<DavLock>> active(std::int64_t now) = 0;
  // Reads the active locks, lets `change` edit them and stores the result, atomically with
  // respect to every other update on any node. An error from `change` stores nothing.
  virtual Status update(std::int64_t now, const std::function<Status(std::vector<DavLock>&)>& change) = 0;
};

}  // namespace cells::store
