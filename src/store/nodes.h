// Metadata of the file tree: folders and files with stable UUIDs (they survive rename and
// move). Contents live in the blob store (files/blobs.h); a node names its current blob.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"

namespace cells::store {

struct Node {
  std::string uuid;
  std::string workspace;    // "personal-files", "common-files", ...
  std::string owner;        // user id for personal workspaces, "" for shared ones
  std::string parent_uuid;  // "" for a workspace root
  std::string name;
  bool is_folder = false;
  std::int64_t size = 0;
  std::int64_t mtime = 0;
  std::string etag;
  std::string content_hash;  // hex SHA-256 of the content, files only
  std::string blob;          // blob id, files only
};

// A WebDAV dead property (RFC 4918 §4.1): any client-chosen name and text value.
struct DeadProperty {
  std::string ns;
  std::string name;
  std::string value;
};

struct PropertyChange {
  bool set = true;  // false: remove
  DeadProperty prop;
};

class NodeStore {
 public:
  virtual ~NodeStore() = default;
  // The root folder of a workspace (for `owner`), created on first use.
  virtual Result<Node> root(const std::string& workspace, const std::string& owner, std::int64_t now) = 0;
  virtual Result<std::optional<Node>> find(const std::string& uuid) = 0;
  virtual Result<std::optional<Node>> child(const std::string& parent_uuid, const std::string& name) = 0;
  virtual Result<std::vector<Node>> children(const std::string& parent_uuid, std::int64_t offset, std::int64_t limit) = 0;
  // Error "conflict" when the parent already has a child with this name.
  virtual Status create(const Node& node) = 0;
  // New content for a file; returns the blob it replaced (to delete after commit).
  virtual Result<std::string> set_content(const std::string& uuid, std::int64_t size, std::int64_t mtime,
                                          const std::string& etag, const std::string& hash, const std::string& blob) = 0;
  // Error "conflict" when the target name is taken.
  virtual Status move(const std::string& uuid, const std::string& new_parent, const std::string& new_name,
                      std::int64_t mtime) = 0;
  // Deletes the node and everything below (and their properties); returns the blobs no longer
  // referenced.
  virtual Result<std::vector<std::string>> remove_tree(const std::string& uuid) = 0;
  virtual Result<std::vector<DeadProperty>> properties(const std::string& uuid) = 0;
  // Applies all changes in one transaction (RFC 4918 §9.2: all or nothing).
  virtual Status change_properties(const std::string& uuid, const std::vector<PropertyChange>& changes) = 0;
};

}  // namespace cells::store
