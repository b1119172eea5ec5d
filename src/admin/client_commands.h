// Admin-channel commands for OAuth2 clients: client.create, client.list, client.delete.
#pragma once
#include <CLI/CLI.hpp>

#include "admin/channel.h"
#include "oidc/clients/registry.h"

namespace cells::admin {
void register_client_commands(ChannelServer& channel, oidc::ClientRegistry& clients);
void add_client_cli(CLI::App& client, const std::string& data_dir);
}  // namespace cells::admin
