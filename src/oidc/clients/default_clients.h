// The three built-in public clients of the reference (cells-sync, cells-mobile, cells-client)
// with exactly its redirect URIs, plus those the real Cells apps send. SERVER in the reference
// is the site URL's host[:port].
#pragma once
#include <string>
#include <vector>

#include "store/clients.h"

namespace cells::oidc {
std::vector<store::Client> default_clients(const std::string& site_url);
}  // namespace cells::oidc
