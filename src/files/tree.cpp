#include "files/tree.h"

#include "core/clock.h"
#include "core/uuid.h"

namespace cells::files {

std::string Located::path() const {
  std::string out = chain.front().workspace;
  for (std::size_t i = 1; i < chain.size(); ++i) out += "/" + chain[i].name;
  return out;
}

namespace {
std::string owner_for(const auth::Principal& who, const std::string& workspace) {
  return workspace == kPersonal ? who.user.id : std::string();
}

TreePath parent_of(const TreePath& p) {
  TreePath parent = p;
  parent.segments.pop_back();
  return parent;
}
}  // namespace

Status FileTree::allow(const auth::Principal& who, const std::vector<store::Node>& chain, Permission need) {
  std::optional<store::WorkspaceGrant> grant;
  if (!chain.empty() && chain.front().workspace != kPersonal && chain.front().workspace != kCommon) {
    auto g = workspaces_.grant(chain.front().workspace, who.user.id);
    if (!g) return g.error();
    grant = std::move(*g);
  }
  return authorize(who, grant, chain, need);
}

Status FileTree::remove_workspace_tree(const std::string& slug) {
  auto root = nodes_.root(slug, "", now_seconds());
  if (!root) return root.error();
  auto blobs = nodes_.remove_tree(root->uuid);
  if (!blobs) return blobs.error();
  for (const auto& b : *blobs) blobs_.remove(b);
  return ok();
}

Result<Located> FileTree::locate(const auth::Principal& who, const TreePath& path) {
  if (path.workspace != kPersonal && path.workspace != kCommon) {
    auto ws = workspaces_.find(path.workspace);
    if (!ws) return ws.error();
    if (!ws->has_value()) return err("not_found", "no workspace '" + path.workspace + "'");
  }
  auto root = nodes_.root(path.workspace, owner_for(who, path.workspace), now_seconds());
  if (!root) return root.error();
  Located at{{*root}};
  for (const auto& name : path.segments) {
    if (!at.node().is_folder) return err("not_found", "no such file or folder");
    auto next = nodes_.child(at.node().uuid, name);
    if (!next) return next.error();
    if (!next->has_value()) return err("not_found", "no such file or folder");
    at.chain.push_back(std::move(**next));
  }
  return at;
}

Result<Located> FileTree::stat(const auth::Principal& who, const TreePath& path) {
  auto at = locate(who, path);
  if (!at) return at;
  if (auto st = allow(who, at->chain, Permission::read); !st) return st.error();
  return at;
}

Result<Located> FileTree::stat_uuid(const auth::Principal& who, const std::string& uuid) {
  Located at;
  std::string next = uuid;
  for (int depth = 0; !next.empty() && depth < 80; ++depth) {
    auto node = nodes_.find(next);
    if (!node) return node.error();
    if (!node->has_value()) return err("not_found", "no such node");
    next = (*node)->parent_uuid;
    at.chain.insert(at.chain.begin(), std::move(**node));
  }
  if (at.chain.empty() || !at.chain.front().parent_uuid.empty()) return err("not_found", "no such node");
  // Someone else's node reads as absent, not as forbidden: UUIDs must not confirm existence.
  if (auto st = allow(who, {at.chain.front()}, Permission::read); !st) return err("not_found", "no such node");
  if (auto st = allow(who, at.chain, Permission::read); !st) return st.error();
  return at;
}

Result<std::vector<store::Node>> FileTree::list(const auth::Principal& who, const Located& folder, std::int64_t offset,
                                                std::int64_t limit) {
  if (!folder.node().is_folder) return err("conflict", "not a folder");
  return nodes_.children(folder.node().uuid, offset, limit);
}

Result<Located> FileTree::locate_parent(const auth::Principal& who, const TreePath& path, Permission need) {
  if (path.is_root()) return err("forbidden", "the workspace root cannot be changed");
  auto parent = locate(who, parent_of(path));
  if (!parent) return parent.error().code == "not_found" ? Error{"conflict", "the parent folder does not exist"} : parent.error();
  if (!parent->node().is_folder) return err("conflict", "the parent is not a folder");
  if (auto st = allow(who, parent->chain, need); !st) return st.error();
  return parent;
}

Result<Located> FileTree::mkdir(const auth::Principal& who, const TreePath& path) {
  auto parent = locate_parent(who, path, Permission::write);
  if (!parent) return parent;
  auto now = now_seconds();
  store::Node n{new_uuid(), path.workspace, parent->node().owner, parent->node().uuid, path.segments.back(),
                true, 0, now, new_uuid(), "", ""};
  if (auto st = nodes_.create(n); !st) return st.error().code == "conflict" ? Error{"exists", st.error().message} : st.error();
  parent->chain.push_back(n);
  return parent;
}

Result<Located> FileTree::put(const auth::Principal& who, const TreePath& path, const std::string& spool_file,
                              bool& created) {
  auto parent = locate_parent(who, path, Permission::write);
  if (!parent) return parent;
  auto existing = nodes_.child(parent->node().uuid, path.segments.back());
  if (!existing) return existing.error();
  if (existing->has_value() && (*existing)->is_folder) return err("conflict", "a folder has this name");
  auto blob = blobs_.adopt(spool_file);
  if (!blob) return blob.error();
  auto now = now_seconds();
  std::string etag = blob->sha256_hex.substr(0, 32);
  created = !existing->has_value();
  if (created) {
    store::Node n{new_uuid(), path.workspace, parent->node().owner, parent->node().uuid, path.segments.back(), false,
                  blob->size, now, etag, blob->sha256_hex, blob->id};
    if (auto st = nodes_.create(n); !st) {
      blobs_.remove(blob->id);
      return st.error();
    }
    parent->chain.push_back(n);
    return parent;
  }
  auto old = nodes_.set_content((*existing)->uuid, blob->size, now, etag, blob->sha256_hex, blob->id);
  if (!old) {
    blobs_.remove(blob->id);
    return old.error();
  }
  blobs_.remove(*old);
  auto fresh = nodes_.find((*existing)->uuid);
  if (!fresh || !fresh->has_value()) return err("not_found", "the file disappeared");
  parent->chain.push_back(**fresh);
  return parent;
}

Status FileTree::remove(const auth::Principal& who, const TreePath& path) {
  if (path.is_root()) return err("forbidden", "the workspace root cannot be deleted");
  auto at = locate(who, path);
  if (!at) return at.error();
  if (auto st = allow(who, at->chain, Permission::write); !st) return st;
  auto blobs = nodes_.remove_tree(at->node().uuid);
  if (!blobs) return blobs.error();
  for (const auto& b : *blobs) blobs_.remove(b);
  return ok();
}

Status FileTree::clear_target(const auth::Principal& who, const TreePath& to, bool overwrite,
                              const std::string& source_uuid) {
  auto target = locate(who, to);
  if (!target) return target.error().code == "not_found" ? ok() : Status(target.error());
  if (target->node().uuid == source_uuid) return err("forbidden", "source and destination are the same");
  if (!overwrite) return err("exists", "the destination exists");
  return remove(who, to);
}

namespace {
bool inside(const Located& maybe_child, const std::string& ancestor_uuid) {
  for (const auto& n : maybe_child.chain)
    if (n.uuid == ancestor_uuid) return true;
  return false;
}
}  // namespace

Result<Located> FileTree::move(const auth::Principal& who, const TreePath& from, const TreePath& to, bool overwrite) {
  if (from.is_root()) return err("forbidden", "the workspace root cannot be moved");
  auto source = locate(who, from);
  if (!source) return source;
  if (auto st = allow(who, source->chain, Permission::write); !st) return st.error();
  auto parent = locate_parent(who, to, Permission::write);
  if (!parent) return parent;
  if (inside(*parent, source->node().uuid)) return err("forbidden", "a folder cannot move into itself");
  if (parent->chain.front().uuid != source->chain.front().uuid)
    return err("forbidden", "moving across workspaces is not supported; copy then delete");
  if (auto st = clear_target(who, to, overwrite, source->node().uuid); !st) return st.error();
  if (auto st = nodes_.move(source->node().uuid, parent->node().uuid, to.segments.back(), now_seconds()); !st)
    return st.error();
  return stat(who, to);
}

Status FileTree::copy_below(const store::Node& from, const store::Node& to_parent, const std::string& name) {
  auto now = now_seconds();
  store::Node n{new_uuid(), to_parent.workspace, to_parent.owner, to_parent.uuid, name, from.is_folder,
                from.size,  now,                 new_uuid(),        from.content_hash, ""};
  if (!from.is_folder) {
    auto blob = blobs_.copy(from.blob);
    if (!blob) return blob.error();
    n.blob = blob->id;
    n.etag = from.etag;
  }
  if (auto st = nodes_.create(n); !st) {
    blobs_.remove(n.blob);
    return st;
  }
  auto props = nodes_.properties(from.uuid);
  if (!props) return props.error();
  std::vector<store::PropertyChange> sets;
  for (auto& p : *props) sets.push_back({true, std::move(p)});
  if (!sets.empty())
    if (auto st = nodes_.change_properties(n.uuid, sets); !st) return st;
  if (!from.is_folder) return ok();
  for (std::int64_t offset = 0;; offset += 500) {
    auto kids = nodes_.children(from.uuid, offset, 500);
    if (!kids) return kids.error();
    for (const auto& k : *kids)
      if (auto st = copy_below(k, n, k.name); !st) return st;
    if (kids->size() < 500) return ok();
  }
}

Result<Located> FileTree::copy(const auth::Principal& who, const TreePath& from, const TreePath& to, bool overwrite) {
  auto source = stat(who, from);
  if (!source) return source;
  auto parent = locate_parent(who, to, Permission::write);
  if (!parent) return parent;
  if (inside(*parent, source->node().uuid)) return err("forbidden", "a folder cannot be copied into itself");
  if (auto st = clear_target(who, to, overwrite, source->node().uuid); !st) return st.error();
  if (auto st = copy_below(source->node(), parent->node(), to.segments.back()); !st) return st.error();
  return stat(who, to);
}

Status FileTree::change_properties(const auth::Principal& who, const Located& at,
                                   const std::vector<store::PropertyChange>& changes) {
  if (auto st = allow(who, at.chain, Permission::write); !st) return st;
  return nodes_.change_properties(at.node().uuid, changes);
}

}  // namespace cells::files
