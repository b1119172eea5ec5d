#!/usr/bin/env bash
# Installs what cells needs on Debian 12. `--test` adds what the test suite drives
# (PostgreSQL, Node.js clients, Chromium, WebDAV clients, Python OIDC libraries).
set -euo pipefail
build=(g++ cmake ninja-build ccache pkg-config git
  libboost1.81-dev libboost-url1.81-dev libboost-json1.81-dev
  libssl-dev libsodium-dev libsoci-dev libsqlite3-dev libpq-dev
  libspdlog-dev libcli11-dev libkainjow-mustache-dev libexpat1-dev libutf8proc-dev sqlite3)
test=(libgtest-dev libgmock-dev libbenchmark-dev curl postgresql
  chromium python3-authlib python3-jwcrypto python3-requests python3-pytest cadaver litmus nginx wrk openssl sqlite3)
want=("${build[@]}")
if [ "${1:-}" = "--test" ]; then
  want+=("${test[@]}")
  # Some images ship Node.js (with its own npm) outside Debian; Debian's npm conflicts with it.
  command -v npm >/dev/null || want+=(nodejs npm)
fi
missing=()
for p in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
