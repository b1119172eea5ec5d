#include "files/paths.h"

#include "http/form.h"

namespace cells::files {

std::string TreePath::text() const {
  std::string out = workspace;
  for (const auto& s : segments) out += "/" + s;
  return out;
}

Status validate_name(std::string_view name) {
  if (name.empty() || name == "." || name == "..") return err("invalid_path", "empty, '.' and '..' names are not allowed");
  if (name.size() > 255) return err("invalid_path", "names are limited to 255 bytes");
  for (unsigned char c : name)
    if (c < 0x20 || c == 0x7f || c == '/' || c == '\\') return err("invalid_path", "names may not contain control characters, '/' or '\\'");
  if (!http::valid_utf8(name)) return err("invalid_path", "names must be UTF-8");
  return ok();
}

Result<TreePath> parse_tree_path(std::string_view path) {
  if (path.size() > 4096) return err("invalid_path", "path too long");
  while (!path.empty() && path.front() == '/') path.remove_prefix(1);
  while (!path.empty() && path.back() == '/') path.remove_suffix(1);
  TreePath out;
  bool first = true;
  while (!path.empty() || first) {
    auto slash = path.find('/');
    auto seg = path.substr(0, slash);
    path = slash == std::string_view::npos ? std::string_view() : path.substr(slash + 1);
    if (first) {
      if (seg != kPersonal && seg != kCommon) return err("not_found", "unknown workspace '" + std::string(seg) + "'");
      out.workspace = std::string(seg);
      first = false;
      continue;
    }
    if (auto st = validate_name(seg); !st) return st.error();
    out.segments.emplace_back(seg);
    if (out.segments.size() > 64) return err("invalid_path", "paths are limited to 64 levels");
  }
  return out;
}

}  // namespace cells::files
