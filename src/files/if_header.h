// The WebDAV If header (RFC 4918 §10.4): lists of state tokens and entity tags, optionally
// tagged with a resource URL. Parsing only; webdav.cpp evaluates it against locks and ETags.
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace cells::files {

struct IfCondition {
  bool negate = false;
  bool is_token = true;  // false: entity tag
  std::string value;     // token without <>, or the entity tag with its quotes
};

struct IfList {
  std::string resource;  // the tagged URL (or path) without <>, "" for the request URI
  std::vector<IfCondition> conditions;
};

// Error "invalid_request" for a malformed header.
Result<std::vector<IfList>> parse_if(std::string_view header);

}  // namespace cells::files
