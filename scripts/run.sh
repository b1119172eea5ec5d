#!/usr/bin/env bash
# Installs what is missing, builds, and starts cells on the embedded SQLite default.
# Extra arguments go to `cells start` (see `./build/cells start --help`).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
CMAKE_ARGS="-DCELLS_TESTS=OFF" bash scripts/build.sh
exec ./build/cells start "$@"
