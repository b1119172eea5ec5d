// The XML bodies of WebDAV requests (RFC 4918 §14), parsed with expat (namespace-aware,
// bounded by the HTTP body limit, no external entities). Malformed XML, bad namespace
// declarations or an unexpected root are errors ("invalid_xml"), answered with 400.
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace cells::files {

struct PropName {
  std::string ns;    // namespace URI, "" for none
  std::string name;  // local name
  bool operator==(const PropName&) const = default;
};

struct PropfindRequest {
  enum class Kind { allprop, propname, prop } kind = Kind::allprop;
  std::vector<PropName> props;
};

// An empty body means allprop (§9.1).
Result<PropfindRequest> parse_propfind(std::string_view body);

struct PropPatch {
  bool set = true;  // false: remove
  PropName name;
  std::string value;  // text content (set only)
};

Result<std::vector<PropPatch>> parse_proppatch(std::string_view body);

struct LockInfo {
  bool exclusive = true;
  std::string owner;  // text content of DAV:owner
};
// DAV:lockinfo (§14.11) with a write locktype.
Result<LockInfo> parse_lockinfo(std::string_view body);

std::string xml_escape(std::string_view s);
// <prefix:name xmlns:prefix="ns">value</prefix:name> (xmlns="" for no namespace).
std::string prop_element(const PropName& name, std::string_view escaped_inner);

}  // namespace cells::files
