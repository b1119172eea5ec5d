// Operations on the file tree for an authenticated principal, each guarded by files/access.h.
// Shared by the REST API and WebDAV. Errors: "not_found", "forbidden", "conflict" (parent
// missing or name taken), "exists" (target exists and overwrite was not allowed),
// "invalid_path", "io", "unavailable".
#pragma once
#include <string>
#include <vector>

#include "auth/authenticator.h"
#include "files/access.h"
#include "files/blobs.h"
#include "files/paths.h"
#include "store/nodes.h"

namespace cells::files {

struct Located {
  std::vector<store::Node> chain;  // workspace root → node
  const store::Node& node() const { return chain.back(); }
  std::string path() const;        // "WORKSPACE/a/b"
};

class FileTree {
 public:
  FileTree(store::NodeStore& nodes, store::WorkspaceStore& workspaces, BlobStore& blobs)
      : nodes_(nodes), workspaces_(workspaces), blobs_(blobs) {}

  Result<Located> stat(const auth::Principal& who, const TreePath& path);
  Result<Located> stat_uuid(const auth::Principal& who, const std::string& uuid);
  Result<std::vector<store::Node>> list(const auth::Principal& who, const Located& folder, std::int64_t offset,
                                        std::int64_t limit);
  Result<Located> mkdir(const auth::Principal& who, const TreePath& path);
  // Creates or replaces a file with the spooled content; `created` tells which.
  Result<Located> put(const auth::Principal& who, const TreePath& path, const std::string& spool_file, bool& created);
  Status remove(const auth::Principal& who, const TreePath& path);
  Result<Located> move(const auth::Principal& who, const TreePath& from, const TreePath& to, bool overwrite);
  Result<Located> copy(const auth::Principal& who, const TreePath& from, const TreePath& to, bool overwrite);
  // Dead properties (WebDAV) of a node the caller may read / write.
  Result<std::vector<store::DeadProperty>> properties(const Located& at) { return nodes_.properties(at.node().uuid); }
  Status change_properties(const auth::Principal& who, const Located& at, const std::vector<store::PropertyChange>& c);
  Status check_write(const auth::Principal& who, const Located& at) { return allow(who, at.chain, Permission::write); }
  // Deletes an admin-created workspace's whole tree (its metadata row is the caller's).
  Status remove_workspace_tree(const std::string& slug);
  BlobStore& blobs() { return blobs_; }

 private:
  Result<Located> locate(const auth::Principal& who, const TreePath& path);
  Result<Located> locate_parent(const auth::Principal& who, const TreePath& path, Permission need);
  Status clear_target(const auth::Principal& who, const TreePath& to, bool overwrite, const std::string& source_uuid);
  Status copy_below(const store::Node& from, const store::Node& to_parent, const std::string& name);
  // files/access.h's check, with the user's grant on the chain's workspace looked up.
  Status allow(const auth::Principal& who, const std::vector<store::Node>& chain, Permission need);

  store::NodeStore& nodes_;
  store::WorkspaceStore& workspaces_;
  BlobStore& blobs_;
};

}  // namespace cells::files
