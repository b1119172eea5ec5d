// `cells start`: prepares the data folder and database, wires the subsystems together and
// serves until SIGINT/SIGTERM.
#pragma once
#include "core/config.h"

namespace cells::app {
// Returns the process exit code.
int run_server(const Config& config);
}  // namespace cells::app
