#include "files/dav_xml.h"

#include <expat.h>

#include <memory>

namespace cells::files {

namespace {

constexpr char kSep = '\x01';

PropName split(const XML_Char* qualified) {
  std::string_view q(qualified);
  auto sep = q.find(kSep);
  if (sep == std::string_view::npos) return {"", std::string(q)};
  return {std::string(q.substr(0, sep)), std::string(q.substr(sep + 1))};
}

// A small element tree: enough to walk propfind and propertyupdate bodies.
struct Element {
  PropName name;
  std::string text;
  std::vector<std::unique_ptr<Element>> children;
  const Element* child(std::string_view local) const {
    for (const auto& c : children)
      if (c->name.ns == "DAV:" && c->name.name == local) return c.get();
    return nullptr;
  }
};

struct Builder {
  std::unique_ptr<Element> root;
  std::vector<Element*> stack;
  int depth = 0;
  bool too_deep = false;
};

void on_start(void* data, const XML_Char* name, const XML_Char**) {
  auto* b = static_cast<Builder*>(data);
  if (++b->depth > 64) {
    b->too_deep = true;
    return;
  }
  auto e = std::make_unique<Element>();
  e->name = split(name);
  Element* raw = e.get();
  if (b->stack.empty())
    b->root = std::move(e);
  else
    b->stack.back()->children.push_back(std::move(e));
  b->stack.push_back(raw);
}

void on_end(void* data, const XML_Char*) {
  auto* b = static_cast<Builder*>(data);
  if (b->depth-- > 64) return;
  b->stack.pop_back();
}

void on_text(void* data, const XML_Char* s, int len) {
  auto* b = static_cast<Builder*>(data);
  if (!b->stack.empty() && !b->too_deep) b->stack.back()->text.append(s, static_cast<std::size_t>(len));
}

Result<std::unique_ptr<Element>> parse(std::string_view body) {
  std::unique_ptr<std::remove_pointer_t<XML_Parser>, void (*)(XML_Parser)> parser(XML_ParserCreateNS("UTF-8", kSep),
                                                                                 &XML_ParserFree);
  if (!parser) return err("io", "out of memory");
  Builder b;
  XML_SetUserData(parser.get(), &b);
  XML_SetElementHandler(parser.get(), on_start, on_end);
  XML_SetCharacterDataHandler(parser.get(), on_text);
  // No DTDs: they are where entity-expansion attacks live.
  XML_SetStartDoctypeDeclHandler(parser.get(), [](void* data, const XML_Char*, const XML_Char*, const XML_Char*, int) {
    static_cast<Builder*>(data)->too_deep = true;
  });
  if (XML_Parse(parser.get(), body.data(), static_cast<int>(body.size()), XML_TRUE) != XML_STATUS_OK)
    return err("invalid_xml", std::string("malformed XML: ") + XML_ErrorString(XML_GetErrorCode(parser.get())));
  if (b.too_deep || !b.root) return err("invalid_xml", "XML too deep, with a DTD, or empty");
  return std::move(b.root);
}

bool is_dav(const Element& e, std::string_view local) { return e.name.ns == "DAV:" && e.name.name == local; }

}  // namespace

Result<PropfindRequest> parse_propfind(std::string_view body) {
  PropfindRequest out;
  if (body.find_first_not_of(" \t\r\n") == std::string_view::npos) return out;
  auto root = parse(body);
  if (!root) return root.error();
  if (!is_dav(**root, "propfind")) return err("invalid_xml", "expected DAV:propfind");
  if ((*root)->child("allprop")) return out;
  if ((*root)->child("propname")) {
    out.kind = PropfindRequest::Kind::propname;
    return out;
  }
  const Element* prop = (*root)->child("prop");
  if (!prop) return err("invalid_xml", "propfind needs allprop, propname or prop");
  out.kind = PropfindRequest::Kind::prop;
  for (const auto& c : prop->children) out.props.push_back(c->name);
  return out;
}

Result<std::vector<PropPatch>> parse_proppatch(std::string_view body) {
  auto root = parse(body);
  if (!root) return root.error();
  if (!is_dav(**root, "propertyupdate")) return err("invalid_xml", "expected DAV:propertyupdate");
  std::vector<PropPatch> out;
  for (const auto& op : (*root)->children) {
    bool set = is_dav(*op, "set");
    if (!set && !is_dav(*op, "remove")) continue;
    const Element* prop = op->child("prop");
    if (!prop) return err("invalid_xml", "set and remove need a DAV:prop");
    for (const auto& p : prop->children) out.push_back({set, p->name, set ? p->text : std::string()});
  }
  return out;
}

Result<LockInfo> parse_lockinfo(std::string_view body) {
  auto root = parse(body);
  if (!root) return root.error();
  if (!is_dav(**root, "lockinfo")) return err("invalid_xml", "expected DAV:lockinfo");
  const Element* scope = (*root)->child("lockscope");
  const Element* type = (*root)->child("locktype");
  if (!scope || !type || !type->child("write")) return err("invalid_xml", "lockinfo needs a lockscope and a write locktype");
  LockInfo info;
  info.exclusive = scope->child("exclusive") != nullptr;
  if (!info.exclusive && !scope->child("shared")) return err("invalid_xml", "lockscope must be exclusive or shared");
  if (const Element* owner = (*root)->child("owner")) {
    info.owner = owner->text;
    for (const auto& c : owner->children) info.owner += c->text;  // e.g. <D:href>
  }
  return info;
}

std::string xml_escape(std::string_view s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string prop_element(const PropName& n, std::string_view inner) {
  if (n.ns.empty()) return "<" + n.name + " xmlns=\"\">" + std::string(inner) + "</" + n.name + ">";
  return "<x:" + n.name + " xmlns:x=\"" + xml_escape(n.ns) + "\">" + std::string(inner) + "</x:" + n.name + ">";
}

}  // namespace cells::files
