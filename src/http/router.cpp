#include "http/router.h"

#include <boost/json.hpp>

namespace cells::http {

void Router::add(const std::string& method, const std::string& path, Handler h, Runs runs) {
  exact_[path][method] = Route{std::move(h), runs};
}

void Router::add_prefix(const std::string& method, const std::string& prefix, Handler h, Runs runs) {
  for (auto& [p, methods] : prefixes_)
    if (p == prefix) {
      methods[method] = Route{std::move(h), runs};
      return;
    }
  prefixes_.push_back({prefix, Methods{{method, Route{std::move(h), runs}}}});
}

namespace {
std::variant<const Route*, Response> pick(const std::map<std::string, Route>& methods, const std::string& method) {
  if (auto it = methods.find(method); it != methods.end()) return &it->second;
  if (method == "HEAD")
    if (auto it = methods.find("GET"); it != methods.end()) return &it->second;
  std::string allow;
  for (const auto& [m, _] : methods) allow += (allow.empty() ? "" : ", ") + m;
  auto r = json_error(405, "method_not_allowed", "this endpoint does not accept " + method);
  r.set("Allow", allow);
  return r;
}
}  // namespace

std::variant<const Route*, Response> Router::match(const Request& req) const {
  if (auto it = exact_.find(req.path); it != exact_.end()) return pick(it->second, req.method);
  for (const auto& [prefix, methods] : prefixes_)
    if (req.path.starts_with(prefix)) return pick(methods, req.method);
  return json_error(404, "not_found", "no such endpoint");
}

Response json_error(int status, std::string_view error, std::string_view description) {
  boost::json::object body{{"error", error}};
  if (!description.empty()) body["error_description"] = description;
  return Response::json(status, body);
}

}  // namespace cells::http
