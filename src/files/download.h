// A file's content as an HTTP response: ETag, Last-Modified-free caching with If-None-Match
// (304), and single byte ranges (RFC 9110 §14: 206 or 416). Shared by REST and WebDAV GET.
#pragma once
#include <string>

#include "http/message.h"
#include "store/nodes.h"

namespace cells::files {
http::Response file_response(const http::Request& req, const store::Node& node, const std::string& blob_path);
}  // namespace cells::files
