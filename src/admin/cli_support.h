// Helpers shared by the CLI sides of admin commands.
#pragma once
#include <boost/json/object.hpp>
#include <string>

#include "core/result.h"

namespace cells::admin {
// Sends `request` to the running server; on failure prints the reason to stderr and exits 1.
boost::json::object call_or_exit(const std::string& data_dir, const boost::json::object& request);
// Reads one secret line from standard input (for --password-stdin / --secret-stdin); the
// trailing newline is dropped. Exits 1 with a message if stdin is empty.
std::string read_secret_stdin(const char* what);
// Field access that never throws on a missing or mistyped field.
std::string str(const boost::json::object& o, const char* key);
}  // namespace cells::admin
