#!/usr/bin/env bash
# The side-by-side benchmark of cells and oidc-provider: see docs/performance.md.
#   bench/run.sh [--smoke] [--duration S] [--scenarios a,b,...] [--scale N,N] [--out DIR] [--keep]
# Installs wrk, nginx and openssl when missing (Debian), runs `npm ci` for the peer, builds cells in
# release mode into build-release/ (with --smoke, an existing binary given by CELLS_BIN is used
# instead), then runs bench/run.py.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
cd "$root"

smoke=0
for a in "$@"; do [ "$a" = "--smoke" ] && smoke=1; done

missing=()
for p in wrk nginx openssl python3-requests sqlite3; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
command -v node >/dev/null || missing+=(nodejs)
command -v npm >/dev/null || missing+=(npm)
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# The peer: exactly the locked versions.
if [ ! -f "$here/peer/node_modules/.package-lock.json" ] || \
   ! cmp -s "$here/peer/package-lock.json" "$here/peer/node_modules/.bench-lock"; then
  (cd "$here/peer" && npm ci --no-audit --no-fund --loglevel=error)
  cp "$here/peer/package-lock.json" "$here/peer/node_modules/.bench-lock"
fi

if [ "$smoke" = 1 ] && [ -n "${CELLS_BIN:-}" ] && [ -x "${CELLS_BIN}" ]; then
  bin="$CELLS_BIN"
else
  cmake -S . -B build-release -G Ninja -DCMAKE_BUILD_TYPE=Release -DCELLS_TESTS=OFF >/dev/null
  ninja -C build-release ${NINJA_JOBS:+-j"$NINJA_JOBS"} cells
  bin="$root/build-release/cells"
fi

exec /usr/bin/python3 "$here/run.py" --cells-bin "$bin" "$@"
