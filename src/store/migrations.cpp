#include "store/migrations.h"

#include <spdlog/spdlog.h>

#include <vector>

#include "core/clock.h"
#include "store/database.h"

namespace cells::store {

namespace {

// Portable SQL only: TEXT, BIGINT (Unix seconds), INTEGER 0/1 for booleans.
// Never edit a released migration; append a new one.
const std::vector<std::vector<const char*>> kMigrations = {
    // 1: identity, clients, keys, sessions, codes, tokens
    {
        "CREATE TABLE users (id TEXT PRIMARY KEY, login TEXT NOT NULL, login_key TEXT NOT NULL UNIQUE,"
        " name TEXT NOT NULL, email TEXT NOT NULL, password_hash TEXT NOT NULL, is_admin INTEGER NOT NULL,"
        " created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL, password_changed_at BIGINT NOT NULL)",
        "CREATE TABLE clients (id TEXT PRIMARY KEY, secret_hash TEXT NOT NULL, name TEXT NOT NULL,"
        " redirect_uris TEXT NOT NULL, grant_types TEXT NOT NULL, is_public INTEGER NOT NULL,"
        " access_token_alg TEXT NOT NULL, id_token_alg TEXT NOT NULL, created_at BIGINT NOT NULL)",
        "CREATE TABLE signing_keys (kid TEXT PRIMARY KEY, alg TEXT NOT NULL, private_pem TEXT NOT NULL,"
        " created_at BIGINT NOT NULL, retired_at BIGINT NOT NULL)",
        "CREATE TABLE login_sessions (id_hash TEXT PRIMARY KEY, sid TEXT NOT NULL UNIQUE, user_id TEXT NOT NULL,"
        " auth_time BIGINT NOT NULL, expires_at BIGINT NOT NULL)",
        "CREATE TABLE auth_codes (code_hash TEXT PRIMARY KEY, grant_id TEXT NOT NULL, client_id TEXT NOT NULL,"
        " user_id TEXT NOT NULL, redirect_uri TEXT NOT NULL, scope TEXT NOT NULL, nonce TEXT NOT NULL,"
        " code_challenge TEXT NOT NULL, sid TEXT NOT NULL, auth_time BIGINT NOT NULL, expires_at BIGINT NOT NULL,"
        " used_at BIGINT NOT NULL)",
        "CREATE TABLE refresh_tokens (token_hash TEXT PRIMARY KEY, grant_id TEXT NOT NULL, client_id TEXT NOT NULL,"
        " user_id TEXT NOT NULL, scope TEXT NOT NULL, sid TEXT NOT NULL, auth_time BIGINT NOT NULL,"
        " created_at BIGINT NOT NULL, expires_at BIGINT NOT NULL, used_at BIGINT NOT NULL,"
        " successor_hash TEXT NOT NULL)",
        "CREATE INDEX refresh_tokens_grant ON refresh_tokens (grant_id)",
        "CREATE TABLE revoked_grants (grant_id TEXT PRIMARY KEY, revoked_at BIGINT NOT NULL, expires_at BIGINT NOT NULL)",
        "CREATE TABLE revoked_tokens (jti TEXT PRIMARY KEY, expires_at BIGINT NOT NULL)",
        "CREATE TABLE login_failures (key TEXT PRIMARY KEY, failures INTEGER NOT NULL, last_at BIGINT NOT NULL,"
        " locked_until BIGINT NOT NULL)",
    },
    // 2: the file tree. A root has parent_uuid '' and a name unique per workspace and owner.
    {
        "CREATE TABLE nodes (uuid TEXT PRIMARY KEY, workspace TEXT NOT NULL, owner TEXT NOT NULL,"
        " parent_uuid TEXT NOT NULL, name TEXT NOT NULL, is_folder INTEGER NOT NULL, size BIGINT NOT NULL,"
        " mtime BIGINT NOT NULL, etag TEXT NOT NULL, content_hash TEXT NOT NULL, blob TEXT NOT NULL,"
        " UNIQUE (parent_uuid, name))",
    },
    // 3: WebDAV dead properties, kept with the node (its UUID survives rename and move).
    {
        "CREATE TABLE node_props (node_uuid TEXT NOT NULL, ns TEXT NOT NULL, name TEXT NOT NULL, value TEXT NOT NULL,"
        " PRIMARY KEY (node_uuid, ns, name))",
    },
    // 4: workspaces created by admins, and the users' rights on them.
    {
        "CREATE TABLE workspaces (slug TEXT PRIMARY KEY, name TEXT NOT NULL, created_at BIGINT NOT NULL)",
        "CREATE TABLE workspace_grants (workspace TEXT NOT NULL, user_id TEXT NOT NULL, can_read INTEGER NOT NULL,"
        " can_write INTEGER NOT NULL, PRIMARY KEY (workspace, user_id))",
    },
    // 5: personal access tokens, stored by digest. expires_at is the current expiry (it slides
    // for tokens with a window), max_expires_at an absolute cap (0: none).
    {
        "CREATE TABLE personal_tokens (id TEXT PRIMARY KEY, token_hash TEXT NOT NULL UNIQUE, user_id TEXT NOT NULL,"
        " label TEXT NOT NULL, created_by TEXT NOT NULL, created_at BIGINT NOT NULL, last_used_at BIGINT NOT NULL,"
        " expires_at BIGINT NOT NULL, window_seconds BIGINT NOT NULL, max_expires_at BIGINT NOT NULL,"
        " scopes TEXT NOT NULL)",
        "CREATE INDEX personal_tokens_user ON personal_tokens (user_id)",
    },
    // 6: WebDAV locks, shared by every node.
    {
        "CREATE TABLE dav_locks (token TEXT PRIMARY KEY, path TEXT NOT NULL, is_exclusive INTEGER NOT NULL,"
        " is_deep INTEGER NOT NULL, owner_xml TEXT NOT NULL, timeout_seconds BIGINT NOT NULL, expires_at BIGINT NOT NULL)",
    },
    // 7: the janitor deletes expired rows every 10 minutes. Without these, each purge scanned the
    // whole table inside a write transaction: ~0.2 s per million rows with every writer waiting.
    {
        "CREATE INDEX refresh_tokens_expiry ON refresh_tokens (expires_at)",
        "CREATE INDEX personal_tokens_expiry ON personal_tokens (expires_at)",
        "CREATE INDEX login_sessions_expiry ON login_sessions (expires_at)",
        "CREATE INDEX revoked_tokens_expiry ON revoked_tokens (expires_at)",
        "CREATE INDEX revoked_grants_expiry ON revoked_grants (expires_at)",
    },
};

}  // namespace

std::size_t migration_count() { return kMigrations.size(); }

namespace {
// Applies the missing migrations on one session, each in its own transaction.
Status apply_pending(Database& db, soci::session& sql) {
  sql << "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at BIGINT NOT NULL)";
  for (std::size_t i = 0; i < kMigrations.size(); ++i) {
    int version = static_cast<int>(i + 1);
    db.begin(sql);
    int applied = 0;
    sql << "SELECT COUNT(*) FROM schema_migrations WHERE version = :v", soci::use(version), soci::into(applied);
    if (applied) {
      sql.commit();
      continue;
    }
    for (const char* stmt : kMigrations[i]) sql << stmt;
    long long now = now_seconds();
    sql << "INSERT INTO schema_migrations (version, applied_at) VALUES (:v, :t)", soci::use(version), soci::use(now);
    sql.commit();
    spdlog::info("database migrated to version={}", version);
  }
  return ok();
}

// Any constant will do, as long as every node uses the same one.
constexpr long long kMigrationLock = 0x63656c6c73;  // "cells"
}  // namespace

Status migrate(Database& db) {
  return db.run([&](soci::session& sql) -> Status {
    // SQLite: BEGIN IMMEDIATE per migration already serializes processes. PostgreSQL: nodes that
    // start together queue on an advisory lock, so each migration is applied exactly once.
    bool pg = db.backend() == Backend::postgresql;
    if (pg) sql << "SELECT pg_advisory_lock(:k)", soci::use(kMigrationLock);
    try {
      auto st = apply_pending(db, sql);
      if (pg) sql << "SELECT pg_advisory_unlock(:k)", soci::use(kMigrationLock);
      return st;
    } catch (...) {
      try { sql.rollback(); } catch (...) {}
      if (pg) try { sql << "SELECT pg_advisory_unlock(:k)", soci::use(kMigrationLock); } catch (...) {}
      throw;
    }
  });
}

}  // namespace cells::store
