#include "files/webdav.h"

#include <unistd.h>

#include <charconv>
#include <ctime>
#include <fstream>
#include <set>

#include "files/dav_xml.h"
#include "files/download.h"
#include "files/if_header.h"
#include "core/uuid.h"
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
      if (!valid_workspace_slug(*decoded)) return err("not_found", "unknown workspace");
      out.workspace = *decoded;
      first = false;
      continue;
    }
    auto name = normalize_name(*decoded);
    if (!name) return name.error();
    out.segments.push_back(std::move(*name));
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

std::string active_lock(const Lock& l) {
  std::string x = "<D:activelock><D:locktype><D:write/></D:locktype><D:lockscope>";
  x += l.exclusive ? "<D:exclusive/>" : "<D:shared/>";
  x += "</D:lockscope><D:depth>" + std::string(l.deep ? "infinity" : "0") + "</D:depth>";
  if (!l.owner_xml.empty()) x += "<D:owner>" + l.owner_xml + "</D:owner>";
  x += "<D:timeout>Second-" + std::to_string(l.timeout) + "</D:timeout>";
  x += "<D:locktoken><D:href>" + l.token + "</D:href></D:locktoken>";
  x += "<D:lockroot><D:href>" + xml_escape(href(l.path, false)) + "</D:href></D:lockroot></D:activelock>";
  return x;
}

constexpr const char* kSupportedLock =
    "<D:lockentry><D:lockscope><D:exclusive/></D:lockscope><D:locktype><D:write/></D:locktype></D:lockentry>"
    "<D:lockentry><D:lockscope><D:shared/></D:lockscope><D:locktype><D:write/></D:locktype></D:lockentry>";

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
Result<std::string> response_for(RestApi& api, const store::Node& n, const std::string& path, bool is_root,
                                 const PropfindRequest& want) {
  Props all = live_props(n, is_root);
  auto locks = api.locks.covering(path, false);
  if (!locks) return locks.error();
  std::string discovery;
  for (const auto& l : *locks) discovery += active_lock(l);
  all.push_back({{"DAV:", "lockdiscovery"}, discovery});
  all.push_back({{"DAV:", "supportedlock"}, kSupportedLock});
  auto dead = api.tree.properties(Located{{n}});
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
  if (e.code == "locked") return http::json_error(423, "locked", e.message);
  if (e.code == "precondition") return http::json_error(412, "precondition_failed", e.message);
  auto r = error_response(e);
  if (e.code == "exists") r.status = 412;
  return r;
}

// Evaluates the If header (§10.4) against locks and ETags; returns the lock tokens it submits.
// Error "precondition" when no list holds, "invalid_request" when malformed.
Result<std::set<std::string>> check_if(RestApi& api, const auth::Principal& who, const http::Request& req,
                                       const TreePath& path) {
  std::set<std::string> tokens;
  auto header = req.header("If");
  if (!header) return tokens;
  auto lists = parse_if(*header);
  if (!lists) return lists.error();
  bool any = false;
  for (const auto& list : *lists) {
    TreePath resource = path;
    if (!list.resource.empty()) {
      std::string_view url = list.resource;
      if (auto scheme = url.find("://"); scheme != std::string_view::npos) url = url.substr(std::min(url.size(), url.find('/', scheme + 3)));
      auto tagged = dav_path(url);
      if (!tagged) continue;
      resource = *tagged;
    }
    bool holds = true;
    for (const auto& c : list.conditions) {
      bool match;
      if (c.is_token) {
        tokens.insert(c.value);
        auto covered = api.locks.token_covers(c.value, resource.text());
        if (!covered) return covered.error();
        match = *covered;
      } else {
        auto at = api.tree.stat(who, resource);
        match = at && c.value == "\"" + at->node().etag + "\"";
      }
      holds = holds && (match != c.negate);
    }
    any = any || holds;
  }
  if (!any) return err("precondition", "the If header's conditions do not hold");
  return tokens;
}

// Every lock covering what the request changes must have its token submitted (423 otherwise).
// `membership`: the request adds or removes a member of the parent collection.
Status check_locks(RestApi& api, const TreePath& path, const std::set<std::string>& tokens, bool membership) {
  auto locks = api.locks.covering(path.text(), true);
  if (!locks) return locks.error();
  if (membership && !path.is_root()) {
    TreePath parent = path;
    parent.segments.pop_back();
    auto above = api.locks.covering(parent.text(), false);
    if (!above) return above.error();
    for (auto& l : *above)
      if (l.path == parent.text()) locks->push_back(l);  // deep ones are already in `locks`
  }
  for (const auto& l : *locks)
    if (!tokens.count(l.token)) return err("locked", "the resource is locked");
  return ok();
}

// check_if + check_locks for `path`.
Result<std::set<std::string>> may_modify(RestApi& api, const auth::Principal& who, const http::Request& req,
                                         const TreePath& path, bool membership) {
  auto tokens = check_if(api, who, req, path);
  if (!tokens) return tokens;
  if (auto st = check_locks(api, path, *tokens, membership); !st) return st.error();
  return tokens;
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
  r.set("DAV", "1, 2");
  r.set("Allow", "OPTIONS, PROPFIND, PROPPATCH, GET, HEAD, PUT, MKCOL, DELETE, COPY, MOVE, LOCK, UNLOCK");
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
    auto self = response_for(api, at->node(), at->path(), at->chain.size() == 1, *want);
    if (!self) return dav_error(self.error());
    body += *self;
    if (depth == "1" && at->node().is_folder) {
      for (std::int64_t offset = 0;; offset += 1000) {
        auto kids = api.tree.list(who, *at, offset, 1000);
        if (!kids) return dav_error(kids.error());
        for (const auto& k : *kids) {
          auto one = response_for(api, k, at->path() + "/" + k.name, false, *want);
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
    if (auto allowed = may_modify(api, who, req, path, false); !allowed) return dav_error(allowed.error());
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
    if (auto allowed = may_modify(api, who, req, path, true); !allowed) return dav_error(allowed.error());
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
    if (auto allowed = may_modify(api, who, req, path, true); !allowed) return dav_error(allowed.error());
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
    if (auto allowed = may_modify(api, who, req, path, true); !allowed) return dav_error(allowed.error());
    if (auto st = api.tree.remove(who, path); !st) return dav_error(st.error());
    (void)api.locks.release_tree(path.text());  // the node is gone; a stale lock only expires later
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

template <auto Op, bool Moves>
http::Response transfer(RestApi& api, http::Request& req) {
  return with_path(api, req, [&](const auth::Principal& who, const TreePath& from) {
    auto to = destination(req);
    if (!to) return dav_error(to.error());
    auto tokens = check_if(api, who, req, from);
    if (!tokens) return dav_error(tokens.error());
    if (Moves)
      if (auto st = check_locks(api, from, *tokens, true); !st) return dav_error(st.error());
    if (auto st = check_locks(api, *to, *tokens, true); !st) return dav_error(st.error());
    bool overwrite = req.header("Overwrite").value_or("T") != "F";
    auto existed = api.tree.stat(who, *to).ok();
    auto done = (api.tree.*Op)(who, from, *to, overwrite);
    if (!done) return dav_error(done.error());
    if (Moves) (void)api.locks.release_tree(from.text());
    if (existed) (void)api.locks.release_tree(to->text());
    return http::Response::empty(existed ? 204 : 201);
  });
}

// LOCK (§9.10): a new lock from a lockinfo body, or a refresh (empty body + If header). An
// unmapped URL is created as an empty file (§7.3).
std::int64_t requested_timeout(const http::Request& req) {
  auto t = req.header("Timeout").value_or("");
  if (t.starts_with("Second-")) {
    std::int64_t n = 0;
    auto v = t.substr(7);
    std::from_chars(v.data(), v.data() + v.size(), n);
    if (n > 0) return n;
  }
  return t.starts_with("Infinite") ? LockManager::kMaxTimeout : 600;
}

http::Response lock_answer(const Lock& l, int status) {
  auto r = http::Response::make(status, {{"Content-Type", "application/xml; charset=utf-8"}},
                                R"(<?xml version="1.0" encoding="utf-8"?><D:prop xmlns:D="DAV:"><D:lockdiscovery>)" +
                                    active_lock(l) + "</D:lockdiscovery></D:prop>");
  r.set("Lock-Token", "<" + l.token + ">");
  return r;
}

http::Response lock(RestApi& api, http::Request& req) {
  return with_path(api, req, [&](const auth::Principal& who, const TreePath& path) {
    auto timeout = requested_timeout(req);
    if (req.body.find_first_not_of(" \t\r\n") == std::string::npos) {  // refresh
      auto tokens = check_if(api, who, req, path);
      if (!tokens) return dav_error(tokens.error());
      for (const auto& t : *tokens)
        if (auto l = api.locks.refresh(path.text(), t, timeout)) return lock_answer(*l, 200);
      return dav_error(err("precondition", "no lock to refresh"));
    }
    auto info = parse_lockinfo(req.body);
    if (!info) return http::json_error(400, "invalid_xml", info.error().message);
    auto depth = req.header("Depth").value_or("infinity");
    if (depth != "0" && depth != "infinity") return http::json_error(400, "invalid_request", "Depth must be 0 or infinity");
    auto tokens = check_if(api, who, req, path);
    if (!tokens) return dav_error(tokens.error());
    auto at = api.tree.stat(who, path);
    bool created = false;
    if (!at && at.error().code == "not_found") {
      if (auto st = check_locks(api, path, *tokens, true); !st) return dav_error(st.error());
      auto empty = api.tree.blobs().spool_dir() + "/lock-" + new_uuid();
      std::ofstream(empty).close();
      auto put = api.tree.put(who, path, empty, created);
      ::unlink(empty.c_str());
      if (!put) return dav_error(put.error());
    } else if (!at) {
      return dav_error(at.error());
    } else if (auto write = api.tree.check_write(who, *at); !write) {
      return dav_error(write.error());
    }
    auto l = api.locks.lock(path.text(), info->exclusive, depth == "infinity", xml_escape(info->owner), timeout);
    if (!l) return dav_error(l.error());
    return lock_answer(*l, created ? 201 : 200);
  });
}

http::Response unlock(RestApi& api, http::Request& req) {
  return with_path(api, req, [&](const auth::Principal& who, const TreePath& path) {
    auto h = req.header("Lock-Token").value_or("");
    if (h.size() < 2 || h.front() != '<' || h.back() != '>') return http::json_error(400, "invalid_request", "Lock-Token is required");
    if (auto st = api.locks.unlock(path.text(), std::string(h.substr(1, h.size() - 2))); !st) return dav_error(st.error());
    return http::Response::empty(204);
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
  router.add_prefix("COPY", prefix, bind(transfer<&FileTree::copy, false>), Runs::on_workers);
  router.add_prefix("MOVE", prefix, bind(transfer<&FileTree::move, true>), Runs::on_workers);
  router.add_prefix("LOCK", prefix, bind(lock), Runs::on_workers);
  router.add_prefix("UNLOCK", prefix, bind(unlock), Runs::on_workers);
}

}  // namespace cells::files
