// Admin-channel commands for signing keys: keys.rotate, keys.list.
#pragma once
#include <CLI/CLI.hpp>

#include "admin/channel.h"
#include "oidc/keys.h"

namespace cells::admin {
void register_key_commands(ChannelServer& channel, oidc::KeyRing& keys);
void add_key_cli(CLI::App& keys, const std::string& data_dir);
}  // namespace cells::admin
