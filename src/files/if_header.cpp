#include "files/if_header.h"

namespace cells::files {

namespace {
void skip_space(std::string_view& s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
}

// Reads "<...>" or "[...]" (delimiters `open`/`close`), returning the inside.
bool delimited(std::string_view& s, char open, char close, std::string& out) {
  if (s.empty() || s.front() != open) return false;
  auto end = s.find(close, 1);
  if (end == std::string_view::npos) return false;
  out = std::string(s.substr(1, end - 1));
  s.remove_prefix(end + 1);
  return true;
}
}  // namespace

Result<std::vector<IfList>> parse_if(std::string_view s) {
  auto bad = [] { return err("invalid_request", "malformed If header"); };
  if (s.size() > 8192) return bad();
  std::vector<IfList> lists;
  std::string tag;
  bool tag_needs_list = false;  // a tagged resource must be followed by at least one list
  skip_space(s);
  while (!s.empty()) {
    if (s.front() == '<') {
      if (tag_needs_list || !delimited(s, '<', '>', tag)) return bad();
      tag_needs_list = true;
      skip_space(s);
      continue;
    }
    tag_needs_list = false;
    if (s.front() != '(') return bad();
    s.remove_prefix(1);
    IfList list{tag, {}};
    for (;;) {
      skip_space(s);
      if (s.empty()) return bad();
      if (s.front() == ')') {
        s.remove_prefix(1);
        break;
      }
      IfCondition c;
      if (s.starts_with("Not")) {
        c.negate = true;
        s.remove_prefix(3);
        skip_space(s);
      }
      std::string inner;
      if (delimited(s, '<', '>', inner)) {
        c.value = inner;
      } else if (delimited(s, '[', ']', inner)) {
        c.is_token = false;
        c.value = inner;
      } else {
        return bad();
      }
      list.conditions.push_back(std::move(c));
    }
    if (list.conditions.empty()) return bad();
    lists.push_back(std::move(list));
    skip_space(s);
  }
  if (lists.empty() || tag_needs_list) return bad();
  return lists;
}

}  // namespace cells::files
