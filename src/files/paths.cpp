#include "files/paths.h"

#include <utf8proc.h>

#include <cstdlib>
#include <memory>

#include "http/form.h"

namespace cells::files {

std::string TreePath::text() const {
  std::string out = workspace;
  for (const auto& s : segments) out += "/" + s;
  return out;
}

namespace {
Status validate_name(std::string_view name) {
  if (name.empty() || name == "." || name == "..") return err("invalid_path", "empty, '.' and '..' names are not allowed");
  if (name.size() > 255) return err("invalid_path", "names are limited to 255 bytes");
  for (unsigned char c : name)
    if (c < 0x20 || c == 0x7f || c == '/' || c == '\\') return err("invalid_path", "names may not contain control characters, '/' or '\\'");
  if (!http::valid_utf8(name)) return err("invalid_path", "names must be UTF-8");
  return ok();
}
}  // namespace

bool valid_workspace_slug(std::string_view slug) {
  if (slug.empty() || slug.size() > 64 || slug.front() == '-') return false;
  for (char c : slug)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
  return true;
}

Result<std::string> normalize_name(std::string_view name) {
  if (auto st = validate_name(name); !st) return st.error();
  std::string copy(name);  // utf8proc wants a NUL-terminated string
  std::unique_ptr<utf8proc_uint8_t, void (*)(void*)> nfc(utf8proc_NFC(reinterpret_cast<const utf8proc_uint8_t*>(copy.c_str())),
                                                         &std::free);
  if (!nfc) return err("invalid_path", "name is not valid Unicode");
  std::string out(reinterpret_cast<const char*>(nfc.get()));
  if (out.size() > 255) return err("invalid_path", "names are limited to 255 bytes");
  return out;
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
      if (!valid_workspace_slug(seg)) return err("not_found", "unknown workspace '" + std::string(seg) + "'");
      out.workspace = std::string(seg);
      first = false;
      continue;
    }
    auto name = normalize_name(seg);
    if (!name) return name.error();
    out.segments.push_back(std::move(*name));
    if (out.segments.size() > 64) return err("invalid_path", "paths are limited to 64 levels");
  }
  return out;
}

}  // namespace cells::files
