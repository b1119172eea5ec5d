#include "files/rest.h"

#include <boost/json.hpp>
#include <charconv>

#include "files/download.h"
#include "http/form.h"

namespace cells::files {

namespace json = boost::json;

http::Response error_response(const Error& e) {
  static const std::map<std::string, int, std::less<>> status = {
      {"not_found", 404}, {"forbidden", 403}, {"conflict", 409}, {"exists", 412},       {"invalid_path", 400},
      {"invalid_request", 400}, {"io", 500}, {"unavailable", 503}};
  auto it = status.find(e.code);
  auto r = http::json_error(it == status.end() ? 500 : it->second, e.code, e.message);
  if (e.code == "unavailable") r.set("Retry-After", "5");
  return r;
}

namespace {

json::object node_json(const store::Node& n, const std::string& path) {
  json::object o{{"uuid", n.uuid}, {"path", path}, {"type", n.is_folder ? "folder" : "file"},
                 {"size", n.size}, {"mtime", n.mtime}, {"etag", n.etag}};
  if (!n.is_folder) o["hash"] = n.content_hash;
  return o;
}

json::object located_json(const Located& at) { return node_json(at.node(), at.path()); }

// Authenticates, parses the query, and runs `fn(principal, params)`.
template <typename F>
http::Response with_principal(RestApi& api, http::Request& req, F&& fn) {
  auto who = api.auth.authenticate(req, false);
  if (!who) return auth::challenge(who.error(), false);
  auto params = http::Form::parse(req.query);
  if (!params) return error_response(params.error());
  return fn(*who, *params);
}

Result<TreePath> path_param(const http::Form& params, const char* key) {
  auto v = params.get(key);
  if (!v) return err("invalid_request", std::string("parameter '") + key + "' is required");
  return parse_tree_path(*v);
}

Result<Located> locate(RestApi& api, const auth::Principal& who, const http::Form& params) {
  if (auto uuid = params.get("uuid")) return api.tree.stat_uuid(who, *uuid);
  auto path = path_param(params, "path");
  if (!path) return path.error();
  return api.tree.stat(who, *path);
}

std::int64_t int_param(const http::Form& params, const char* key, std::int64_t fallback, std::int64_t max) {
  auto v = params.get(key);
  std::int64_t n = fallback;
  if (v) std::from_chars(v->data(), v->data() + v->size(), n);
  return std::clamp<std::int64_t>(n, 0, max);
}

http::Response me(RestApi& api, http::Request& req) {
  return with_principal(api, req, [&](const auth::Principal& who, const http::Form&) {
    json::object o{{"uuid", who.user.id},       {"login", who.user.login},  {"name", who.user.name},
                   {"email", who.user.email},   {"token_kind", auth::kind_name(who.kind)},
                   {"scope", who.scope},        {"expires_at", who.expires_at}};
    if (!who.client_id.empty()) o["client_id"] = who.client_id;
    json::array scopes;
    for (const auto& s : who.node_scopes)
      scopes.push_back(json::string("node:" + s.node_uuid + ":" + (s.read ? "r" : "") + (s.write ? "w" : "")));
    o["node_scopes"] = scopes;
    return http::Response::json(200, o);
  });
}

http::Response stat(RestApi& api, http::Request& req) {
  return with_principal(api, req, [&](const auth::Principal& who, const http::Form& params) {
    auto at = locate(api, who, params);
    if (!at) return error_response(at.error());
    return http::Response::json(200, located_json(*at));
  });
}

http::Response list(RestApi& api, http::Request& req) {
  return with_principal(api, req, [&](const auth::Principal& who, const http::Form& params) {
    auto at = locate(api, who, params);
    if (!at) return error_response(at.error());
    auto offset = int_param(params, "offset", 0, INT64_MAX / 2), limit = int_param(params, "limit", 100, 1000);
    auto kids = api.tree.list(who, *at, offset, limit + 1);
    if (!kids) return error_response(kids.error());
    json::array items;
    for (std::size_t i = 0; i < kids->size() && static_cast<std::int64_t>(i) < limit; ++i)
      items.push_back(node_json((*kids)[i], at->path() + "/" + (*kids)[i].name));
    json::object o{{"folder", located_json(*at)}, {"children", items}, {"offset", offset}};
    if (static_cast<std::int64_t>(kids->size()) > limit) o["next_offset"] = offset + limit;
    return http::Response::json(200, o);
  });
}

http::Response mkdir(RestApi& api, http::Request& req) {
  return with_principal(api, req, [&](const auth::Principal& who, const http::Form& params) {
    auto path = path_param(params, "path");
    if (!path) return error_response(path.error());
    auto made = api.tree.mkdir(who, *path);
    if (!made) return error_response(made.error());
    return http::Response::json(201, located_json(*made));
  });
}

http::Response upload(RestApi& api, http::Request& req) {
  return with_principal(api, req, [&](const auth::Principal& who, const http::Form& params) {
    auto path = path_param(params, "path");
    if (!path) return error_response(path.error());
    bool created = false;
    auto put = api.tree.put(who, *path, req.body_file, created);
    if (!put) return error_response(put.error());
    return http::Response::json(created ? 201 : 200, located_json(*put));
  });
}

http::Response download(RestApi& api, http::Request& req) {
  return with_principal(api, req, [&](const auth::Principal& who, const http::Form& params) {
    auto at = locate(api, who, params);
    if (!at) return error_response(at.error());
    if (at->node().is_folder) return error_response(err("conflict", "folders have no content; list them instead"));
    return file_response(req, at->node(), api.tree.blobs().path(at->node().blob));
  });
}

http::Response remove(RestApi& api, http::Request& req) {
  return with_principal(api, req, [&](const auth::Principal& who, const http::Form& params) {
    auto path = path_param(params, "path");
    if (!path) return error_response(path.error());
    if (auto st = api.tree.remove(who, *path); !st) return error_response(st.error());
    return http::Response::empty(204);
  });
}

template <auto Op>
http::Response transfer(RestApi& api, http::Request& req) {
  return with_principal(api, req, [&](const auth::Principal& who, const http::Form& params) {
    auto from = path_param(params, "from");
    if (!from) return error_response(from.error());
    auto to = path_param(params, "to");
    if (!to) return error_response(to.error());
    bool overwrite = params.get_or("overwrite") == "true";
    auto done = (api.tree.*Op)(who, *from, *to, overwrite);
    if (!done) return error_response(done.error());
    return http::Response::json(200, located_json(*done));
  });
}

}  // namespace

void add_rest_routes(http::Router& router, RestApi& api) {
  using http::Runs;
  auto bind = [&api](http::Response (*fn)(RestApi&, http::Request&)) {
    return [&api, fn](http::Request& req) { return fn(api, req); };
  };
  router.add("GET", "/a/user/me", bind(me), Runs::memory_first);
  router.add("GET", "/a/tree/stat", bind(stat), Runs::on_workers);
  router.add("GET", "/a/tree/list", bind(list), Runs::on_workers);
  router.add("POST", "/a/tree/mkdir", bind(mkdir), Runs::on_workers);
  router.add("PUT", "/a/tree/content", bind(upload), Runs::with_upload);
  router.add("GET", "/a/tree/content", bind(download), Runs::on_workers);
  router.add("DELETE", "/a/tree", bind(remove), Runs::on_workers);
  router.add("POST", "/a/tree/move", bind(transfer<&FileTree::move>), Runs::on_workers);
  router.add("POST", "/a/tree/copy", bind(transfer<&FileTree::copy>), Runs::on_workers);
}

}  // namespace cells::files
