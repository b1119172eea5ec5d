#include "files/download.h"

#include <charconv>
#include <optional>

namespace cells::files {

namespace {
struct Range {
  std::uint64_t first, last;
};

std::optional<std::uint64_t> number(std::string_view s) {
  std::uint64_t n = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
  if (ec != std::errc() || p != s.data() + s.size() || s.empty()) return std::nullopt;
  return n;
}

// One "bytes=a-b", "bytes=a-" or "bytes=-n" range; multiple ranges are served as the whole file.
enum class RangeResult { none, ok, unsatisfiable };
RangeResult parse_range(std::string_view h, std::uint64_t size, Range& out) {
  if (!h.starts_with("bytes=") || h.find(',') != std::string_view::npos) return RangeResult::none;
  h.remove_prefix(6);
  auto dash = h.find('-');
  if (dash == std::string_view::npos) return RangeResult::none;
  auto a = h.substr(0, dash), b = h.substr(dash + 1);
  if (a.empty()) {
    auto n = number(b);
    if (!n) return RangeResult::none;
    if (*n == 0 || size == 0) return RangeResult::unsatisfiable;
    out = {size - std::min(*n, size), size - 1};
    return RangeResult::ok;
  }
  auto first = number(a);
  if (!first) return RangeResult::none;
  if (*first >= size) return RangeResult::unsatisfiable;
  auto last = b.empty() ? std::optional<std::uint64_t>(size - 1) : number(b);
  if (!last || *last < *first) return RangeResult::none;
  out = {*first, std::min(*last, size - 1)};
  return RangeResult::ok;
}
}  // namespace

http::Response file_response(const http::Request& req, const store::Node& node, const std::string& blob_path) {
  std::string etag = "\"" + node.etag + "\"";
  if (auto inm = req.header("If-None-Match"); inm && (*inm == etag || *inm == "*")) {
    auto r = http::Response::empty(304);
    r.set("ETag", etag);
    return r;
  }
  auto size = static_cast<std::uint64_t>(node.size);
  http::Response r;
  r.headers = {{"Content-Type", "application/octet-stream"}, {"ETag", etag}, {"Accept-Ranges", "bytes"},
               {"Cache-Control", "private, no-cache"}};
  Range range{0, size ? size - 1 : 0};
  auto range_header = req.header("Range");
  auto if_range = req.header("If-Range");
  auto kind = range_header && (!if_range || *if_range == etag) ? parse_range(*range_header, size, range) : RangeResult::none;
  if (kind == RangeResult::unsatisfiable) {
    auto e = http::Response::empty(416);
    e.set("Content-Range", "bytes */" + std::to_string(size));
    return e;
  }
  if (kind == RangeResult::ok) {
    r.status = 206;
    r.set("Content-Range", "bytes " + std::to_string(range.first) + "-" + std::to_string(range.last) + "/" +
                               std::to_string(size));
    r.file = http::FileBody{blob_path, range.first, range.last - range.first + 1};
    return r;
  }
  r.status = 200;
  r.file = http::FileBody{blob_path, 0, size};
  return r;
}

}  // namespace cells::files
