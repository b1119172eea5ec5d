// HTML pages rendered from the mustache templates in web/ (embedded, see web/assets.h).
#pragma once
#include <map>
#include <string>
#include <string_view>

namespace cells::web {

// Template variables. Every value is HTML-escaped when substituted ({{var}}). An empty value
// counts as absent: "{{#var}}...{{/var}}" shows only for non-empty values, so "1"/"" work as
// booleans.
using Vars = std::map<std::string, std::string>;

// Renders web/<page>.html with `vars` inside web/layout.html and returns the whole document
// (serve it with http::Response::html). `page` is a file name without ".html", e.g. "login".
// Throws std::invalid_argument for a page that does not exist.
std::string render(std::string_view page, const Vars& vars);

}  // namespace cells::web
