#include "admin/cli_support.h"

#include <boost/json.hpp>
#include <cstdlib>
#include <iostream>

#include "admin/channel.h"

namespace cells::admin {

boost::json::object call_or_exit(const std::string& data_dir, const boost::json::object& request) {
  auto answer = call(socket_path(data_dir), request);
  if (!answer) {
    std::cerr << "error: " << answer.error().message << "\n";
    std::exit(1);
  }
  return std::move(*answer);
}

std::string read_secret_stdin(const char* what) {
  std::string line;
  if (!std::getline(std::cin, line) || line.empty()) {
    std::cerr << "error: expected the " << what << " on standard input\n";
    std::exit(1);
  }
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

std::string str(const boost::json::object& o, const char* key) {
  auto* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->as_string()) : std::string();
}

}  // namespace cells::admin
