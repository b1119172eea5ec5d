// Admin-channel commands for workspaces: workspace.create, workspace.list, workspace.delete,
// workspace.grant (read and/or write for a user; none revokes).
#pragma once
#include <CLI/CLI.hpp>

#include "admin/channel.h"
#include "files/tree.h"
#include "identity/accounts.h"
#include "store/workspaces.h"

namespace cells::admin {
void register_workspace_commands(ChannelServer& channel, store::WorkspaceStore& workspaces, files::FileTree& tree,
                                 identity::Accounts& accounts);
void add_workspace_cli(CLI::App& workspace, const std::string& data_dir);
}  // namespace cells::admin
