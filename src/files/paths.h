// Paths of the file tree as clients write them: "WORKSPACE/seg/seg", already percent-decoded.
// Parsed strictly: no empty, "." or ".." segments, no NUL or control characters, valid UTF-8,
// segments of at most 255 bytes, at most 64 levels.
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace cells::files {

inline constexpr std::string_view kPersonal = "personal-files";
inline constexpr std::string_view kCommon = "common-files";

struct TreePath {
  std::string workspace;
  std::vector<std::string> segments;  // empty: the workspace root
  std::string text() const;
  bool is_root() const { return segments.empty(); }
};

// Error "invalid_path" (message says which rule), "not_found" for a malformed workspace slug
// (whether an admin-created workspace exists is FileTree's question).
Result<TreePath> parse_tree_path(std::string_view path);
// Workspace slugs: 1-64 of [a-z0-9-], starting with a letter or digit.
bool valid_workspace_slug(std::string_view slug);
// Checks a decoded name and returns it in Unicode NFC, so that names differing only by
// normalization (macOS sends NFD) are one name.
Result<std::string> normalize_name(std::string_view name);

}  // namespace cells::files
