#include "files/webdav.h"

#include <ctime>

#include "files/dav_xml.h"
#include "files/download.h"
#include "http/form.h"

namespace cells::files {

namespace {

constexpr std::string_view kPrefix = "/dav/";

// The request path → a TreePath, decoding each segment on its own so that an encoded '/'
// can never create a new level.
Result<TreePath> dav_path(std::string_view raw) {
  if (!raw.starts_with(kPrefix)) return err("not_found", "not a WebDAV path");
  raw.remove_prefix(kPrefix.size());
  TreePath out;
  bool first = true;
  while (!raw.empty()) {
    auto slash = raw.find('/');
    auto seg = raw.substr(0, slash);
    raw = slash == std::string_view::npos ? std::string_view() : raw.substr(slash + 1);
    if (seg.empty() && raw.empty()) break;  // trailing slash
    auto decoded = http::percent_decode(seg, false);
    if (!decoded) return err("invalid_path", "malformed percent-encoding");
    if (first) {
      if (*decoded != kPersonal && *decoded != kCommon) return err("not_found", "unknown workspace");
      out.workspace = *decoded;
      first = false;
      continue;
    }
    if (auto st = validate_name(*decoded); !st) return st.error();
    out.segments.push_back(std::move(*decoded));
    if (out.segments.size() > 64) return err("invalid_path", "too deep");
  }
  if (first) return err("forbidden", "list a workspace: /dav/personal-files/ or /dav/common-files/");
  return out;
}

std::string href(const std::string& tree_path, bool folder) {
  std::string out(kPrefix);
  std::string_view rest = tree_path;
  bool first_seg = true;
  while (!rest.empty()) {
    auto slash = rest.find('/');
    if (!first_seg) out += '/';
    out += http::percent_encode(rest.substr(0, slash));
    first_seg = false;
    rest = slash == std::string_view::npos ? std::string_view() : rest.substr(slash + 1);
  }
  if (folder) out += '/';
  return out;
}

std::string http_date(std::int64_t t) {
  std::time_t tt = static_cast<std::time_t>(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S GMT", &tm);
  return buf;
}

constexpr std::string_view kCellsNs = "https://pydio.com/cells";

std::string element(const PropName& n, std::string_view inner) {
  if (n.ns == "DAV:") return "<D:" + n.name + ">" + std::string(inner) + "</D:" + n.name + ">";
  if (n.ns == kCellsNs) return "<C:" + n.name + ">" + std::string(inner) + "</C:" + n.name + ">";
  return prop_element(n, inner);
}

using Props = std::vector<std::pair<PropName, std::string>>;  // name → inner XML

Props live_props(const store::Node& n, bool is_root) {
  Props p = {{{"DAV:", "displayname"}, xml_escape(is_root ? n.workspace : n.name)},
             {{"DAV:", "getlastmodified"}, http_date(n.mtime)},
             {{"DAV:", "getetag"}, "\"" + xml_escape(n.etag) + "\""},
             {{"DAV:", "resourcetype"}, n.is_folder ? "<D:collection/>" : ""},
             {{std::string(kCellsNs), "uuid"}, n.uuid}};
  if (!n.is_folder) {
    p.push_back({{"DAV:", "getcontentlength"}, std::to_string(n.size)});
    p.push_back({{"DAV:", "getcontenttype"}, "application/octet-stream"});
  }
  return p;
}

std::string propstat_block(const Props& props, bool names_only, const char* status) {
  if (props.empty()) return "";
  std::string x = "<D:propstat><D:prop>";
  for (const auto& [name, inner] : props) x += element(name, names_only ? "" : inner);
  return x + "</D:prop><D:status>HTTP/1.1 " + status + "</D:status></D:propstat>";
}

// One <D:response> for a node, answering the PROPFIND request `want`.
Result<std::string> response_for(FileTree& tree, const Located& at, const store::Node& n, const std::string& path,
                                 bool is_root, const PropfindRequest& want) {
  Props all = live_props(n, is_root);
  auto dead = tree.properties(Located{{n}});
  if (!dead) return dead.error();
  for (const auto& d : *dead) all.push_back({{d.ns, d.name}, xml_escape(d.value)});
  std::string x = "<D:response><D:href>" + xml_escape(href(path, n.is_folder)) + "</D:href>";
  if (want.kind != PropfindRequest::Kind::prop) return x + propstat_block(all, want.kind == PropfindRequest::Kind::propname, "200 OK") + "</D:response>";
  Props found, missing;
  for (const auto& name : want.props) {
    auto it = std::find_if(all.begin(), all.end(), [&](const auto& p) { return p.first == name; });
    if (it != all.end()) found.push_back(*it);
    else missing.push_back({name, ""});
  }
  return x + propstat_block(found, false, "200 OK") + propstat_block(missing, true, "404 Not Found") + "</D:response>";
}

http::Response dav_error(const Error& e) {
  auto r = error_response(e);
  if (e.code == "exists") r.status = 412;
  return r;
}

template <typename F>
http::Response with_path(RestApi& api, http::Request& req, F&& fn) {
  auto who = api.auth.authenticate(req, true);
  if (!who) return auth::challenge(who.error(), true);
  auto path = dav_path(req.path);
  if (!path) return dav_error(path.error());
  return fn(*who, *path);
}

http::Response options(RestApi&, http::Request&) {
  auto r = http::Response::empty(200);
  r.set("DAV", "1");
  r.set("Allow", "OPTIONS, PROPFIND, PROPPATCH, GET, HEAD, PUT, MKCOL, DELETE, COPY, MOVE");
  r.set("MS-Author-Via", "DAV");
  return r;
}

http::Response propfind(RestApi& api, http::Request& req) {
  return with_path(api, req, [&](const auth::Principal& who, const TreePath& path) {
    auto depth = req.header("Depth").value_or("infinity");
    if (depth != "0" && depth != "1")
      return http::json_error(403, "propfind-finite-depth", "Depth: infinity is not supported");
    auto want = parse_propfind(req.body);
    if (!want) return http::json_error(400, "invalid_xml", want.error().message);
    auto at = api.tree.stat(who, path);
    if (!at) return dav_error(at.error());
    std::string body = R"(<?xml version="1.0" encoding="utf-8"?><D:multistatus xmlns:D="DAV:" xmlns:C="https://pydio.com/cells">)";
    auto self = response_for(api.tree, *at, at->node(), at->path(), at->chain.size() == 1, *want);
    if (!self) return dav_error(self.error());
    body += *self;
    if (depth == "1" && at->node().is_folder) {
      for (std::int64_t offset = 0;; offset += 1000) {
        auto kids = api.tree.list(who, *at, offset, 1000);
        if (!kids) return dav_error(kids.error());
        for (const auto& k : *kids) {
          auto one = response_for(api.tree, *at, k, at->path() + "/" + k.name, false, *want);
          if (!one) return dav_error(one.error());
          body += *one;
        }
        if (kids->size() < 1000) break;
      }
    }
    body += "</D:multistatus>";
    return http::Response::make(207, {{"Content-Type", "application/xml; charset=utf-8"}}, std::move(body));
  });
}

// RFC 4918 §9.2: dead properties only; live ones are protected (403 for the whole request).
http::Response proppatch(RestApi& api, http::Request& req) {
  return with_path(api, req, [&](const auth::Principal& who, const TreePath& path) {
    auto ops = parse_proppatch(req.body);
    if (!ops) return http::json_error(400, "invalid_xml", ops.error().message);
    auto at = api.tree.stat(who, path);
    if (!at) return dav_error(at.error());
    Props changed;
    std::vector<store::PropertyChange> changes;
    bool protected_prop = false;
    for (const auto& op : *ops) {
      protected_prop |= op.name.ns == "DAV:" || op.name.ns == kCellsNs;
      changes.push_back({op.set, {op.name.ns, op.name.name, op.value}});
      changed.push_back({op.name, ""});
    }
    const char* status = "200 OK";
    if (protected_prop) {
      status = "403 Forbidden";
    } else if (auto st = api.tree.change_properties(who, *at, changes); !st) {
      return dav_error(st.error());
    }
    std::string body = R"(<?xml version="1.0" encoding="utf-8"?><D:multistatus xmlns:D="DAV:" xmlns:C="https://pydio.com/cells">)";
    body += "<D:response><D:href>" + xml_escape(href(at->path(), at->node().is_folder)) + "</D:href>";
    body += propstat_block(changed, true, status) + "</D:response></D:multistatus>";
    return http::Response::make(207, {{"Content-Type", "application/xml; charset=utf-8"}}, std::move(body));
  });
}

http::Response get(RestApi& api, http::Request& req) {
  return with_path(api, req, [&](const auth::Principal& who, const TreePath& path) {
    auto at = api.tree.stat(who, path);
    if (!at) return dav_error(at.error());
    if (at->node().is_folder) return http::Response::text(200, "Folder " + at->path() + " (use PROPFIND to list it)\n");
    return file_response(req, at->node(), api.tree.blobs().path(at->node().blob));
  });
}

http::Response put(RestApi& api, http::Request& req) {
  return with_path(api, req, [&](const auth::Principal& who, const TreePath& path) {
    bool created = false;
    auto done = api.tree.put(who, path, req.body_file, created);
    if (!done) return dav_error(done.error());
    auto r = http::Response::empty(created ? 201 : 204);
    r.set("ETag", "\"" + done->node().etag + "\"");
    return r;
  });
}

http::Response mkcol(RestApi& api, http::Request& req) {
  return with_path(api, req, [&](const auth::Principal& who, const TreePath& path) {
    if (!req.body.empty()) return http::json_error(415, "unsupported_media_type", "MKCOL takes no body");
    auto made = api.tree.mkdir(who, path);
    if (!made) {
      if (made.error().code == "exists") return http::json_error(405, "exists", "already exists");
      return dav_error(made.error());
    }
    return http::Response::empty(201);
  });
}

http::Response remove(RestApi& api, http::Request& req) {
  return with_path(api, req, [&](const auth::Principal& who, const TreePath& path) {
    if (auto st = api.tree.remove(who, path); !st) return dav_error(st.error());
    return http::Response::empty(204);
  });
}

// Destination: an absolute URL or an absolute path on this server.
Result<TreePath> destination(const http::Request& req) {
  auto d = req.header("Destination");
  if (!d) return err("invalid_request", "Destination is required");
  std::string_view v = *d;
  if (auto scheme = v.find("://"); scheme != std::string_view::npos) {
    auto slash = v.find('/', scheme + 3);
    v = slash == std::string_view::npos ? std::string_view("/") : v.substr(slash);
  }
  return dav_path(v);
}

template <auto Op>
http::Response transfer(RestApi& api, http::Request& req) {
  return with_path(api, req, [&](const auth::Principal& who, const TreePath& from) {
    auto to = destination(req);
    if (!to) return dav_error(to.error());
    bool overwrite = req.header("Overwrite").value_or("T") != "F";
    auto existed = api.tree.stat(who, *to).ok();
    auto done = (api.tree.*Op)(who, from, *to, overwrite);
    if (!done) return dav_error(done.error());
    return http::Response::empty(existed ? 204 : 201);
  });
}

}  // namespace

void add_webdav_routes(http::Router& router, RestApi& api) {
  using http::Runs;
  auto bind = [&api](http::Response (*fn)(RestApi&, http::Request&)) {
    return [&api, fn](http::Request& req) { return fn(api, req); };
  };
  std::string prefix(kPrefix);
  router.add_prefix("OPTIONS", prefix, bind(options));
  router.add_prefix("PROPFIND", prefix, bind(propfind), Runs::on_workers);
  router.add_prefix("PROPPATCH", prefix, bind(proppatch), Runs::on_workers);
  router.add_prefix("GET", prefix, bind(get), Runs::on_workers);
  router.add_prefix("PUT", prefix, bind(put), Runs::with_upload);
  router.add_prefix("MKCOL", prefix, bind(mkcol), Runs::on_workers);
  router.add_prefix("DELETE", prefix, bind(remove), Runs::on_workers);
  router.add_prefix("COPY", prefix, bind(transfer<&FileTree::copy>), Runs::on_workers);
  router.add_prefix("MOVE", prefix, bind(transfer<&FileTree::move>), Runs::on_workers);
}

}  // namespace cells::files
