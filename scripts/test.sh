#!/usr/bin/env bash
# Installs what is missing, builds, and runs every test: unit tests (GoogleTest), integration
# tests against real `cells` processes, end-to-end tests with third-party clients and Chromium.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh --test
if [ -f tests/e2e/package.json ]; then
  (cd tests/e2e && npm ci --no-audit --no-fund --loglevel=error)
fi
CMAKE_ARGS="-DCELLS_TESTS=ON" bash scripts/build.sh
ctest --test-dir build --output-on-failure -j"$(nproc)" --timeout 900
