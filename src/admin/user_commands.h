// Admin-channel commands for user accounts: user.create, user.list, user.set_password,
// user.delete, user.unlock. Server side (register_*) and CLI side (add_*_cli).
#pragma once
#include <CLI/CLI.hpp>

#include "admin/channel.h"
#include "identity/accounts.h"

namespace cells::admin {
void register_user_commands(ChannelServer& channel, identity::Accounts& accounts);
// `data_dir` is read when a command runs (the --data flag of `cells admin`).
void add_user_cli(CLI::App& user, const std::string& data_dir);
}  // namespace cells::admin
