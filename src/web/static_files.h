// Serves the page assets (web/style.css, web/copy.js) under /static/.
#pragma once
#include "http/router.h"

namespace cells::web {

// GET /static/style.css and GET /static/copy.js, from the embedded assets, cacheable for an hour.
void add_static_routes(http::Router& router);

}  // namespace cells::web
