#include "web/static_files.h"

#include <stdexcept>
#include <string>
#include <string_view>

#include "web/assets.h"

namespace cells::web {
namespace {

void add_file(http::Router& router, std::string_view file, std::string content_type) {
  auto it = assets().find(file);
  if (it == assets().end()) throw std::logic_error("web/" + std::string(file) + " is not embedded");
  std::string_view body = it->second;  // assets live for the whole program
  router.add("GET", "/static/" + std::string(file), [body, content_type](http::Request&) {
    http::Response r{200, {}, std::string(body)};
    r.set("Content-Type", content_type);
    r.set("Cache-Control", "public, max-age=3600");
    r.set("X-Content-Type-Options", "nosniff");
    return r;
  });
}

}  // namespace

void add_static_routes(http::Router& router) {
  add_file(router, "style.css", "text/css; charset=utf-8");
  add_file(router, "copy.js", "text/javascript; charset=utf-8");
}

}  // namespace cells::web
