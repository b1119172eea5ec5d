// `cells admin user token`: personal access tokens (create, list, revoke) over the admin channel.
#pragma once
#include <CLI/CLI.hpp>

#include "admin/channel.h"
#include "files/tree.h"
#include "identity/accounts.h"
#include "tokens/pat_service.h"

namespace cells::admin {
void register_token_commands(ChannelServer& channel, tokens::PatService& pats, identity::Accounts& accounts,
                             files::FileTree& tree);
// Adds the `token` subcommand (with `list` and `revoke`) under `cells admin user`.
void add_token_cli(CLI::App& user, const std::string& data_dir);
}  // namespace cells::admin
