#!/usr/bin/env bash
# A throwaway PostgreSQL 15 server for the tests: `start DIR` creates a cluster in DIR (if new),
# starts it listening on a Unix socket in DIR only (no TCP port to collide with), and prints the
# connection URL; `halt DIR` stops it and keeps its data (`start DIR` brings it back: outage
# tests); `stop DIR` stops it and deletes DIR. PostgreSQL refuses to run as root, so as
# root the server runs as the `postgres` account that Debian's package creates.
set -euo pipefail
cmd=${1:?usage: pg-test.sh start|halt|stop|url DIR}
dir=${2:?usage: pg-test.sh start|halt|stop|url DIR}
bin=/usr/lib/postgresql/15/bin
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
url() { echo "postgresql://cells@/cells?host=$dir&port=5432"; }

case "$cmd" in
  start)
    if [ ! -f "$dir/data/PG_VERSION" ]; then
      mkdir -p "$dir"
      [ "$(id -u)" -eq 0 ] && chown postgres: "$dir"
      chmod 0700 "$dir"
      as_owner "$bin/initdb" -D "$dir/data" -U cells -A trust -E UTF8 --locale=C.UTF-8 -N >"$dir/initdb.log" 2>&1 ||
        { cat "$dir/initdb.log" >&2; exit 1; }
    fi
    # Tests trade durability for speed (production settings are in docs/deploy.md), except with
    # PG_TEST_DURABLE=1: outage tests kill the server and count on what it acknowledged.
    fast="-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    [ "${PG_TEST_DURABLE:-0}" = 1 ] && fast=""
    as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start \
      -o "-c listen_addresses='' -c unix_socket_directories='$dir' -c port=5432 $fast -c max_connections=300" >/dev/null ||
      { cat "$dir/server.log" >&2; exit 1; }
    as_owner "$bin/psql" -h "$dir" -p 5432 -U cells -d postgres -qAtc \
      "SELECT 1 FROM pg_database WHERE datname = 'cells'" | grep -q 1 ||
      as_owner "$bin/createdb" -h "$dir" -p 5432 -U cells cells
    chmod 0755 "$dir"  # the tests' own account must reach the socket
    url
    ;;
  stop)
    [ -f "$dir/data/PG_VERSION" ] && as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
    rm -rf "$dir"
    ;;
  halt) as_owner "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null ;;
  url) url ;;
  *) echo "usage: pg-test.sh start|halt|stop|url DIR" >&2; exit 2 ;;
esac
