// `cells admin db copy`: moves a whole installation from one database to another (typically its
// SQLite file to PostgreSQL). It runs here, directly on both databases, never through a running
// server: the servers using the source must be stopped first.
//
// The tables copied are those the migrations created, read from the source's catalog (so a table
// added by a later migration needs no change here); schema_migrations is the target's own. The
// target must hold no rows in any of them. Each table is copied in one transaction on the target,
// then verified by row count and by a checksum computed identically on both sides: SHA-256 over
// the sorted per-row digests of every column's canonical text, so row order and collation
// differences between the backends do not matter.
#pragma once
#include <CLI/CLI.hpp>
#include <functional>
#include <string>
#include <vector>

#include "core/result.h"
#include "store/database.h"

namespace cells::admin {

// Called as rows are copied: (table, rows copied so far, rows in the source table).
using CopyProgress = std::function<void(const std::string& table, long long copied, long long total)>;

struct TableCheck {
  std::string table;
  long long source_rows = 0, target_rows = 0;
  std::string source_sha256, target_sha256;  // hex
  bool matches() const { return source_rows == target_rows && source_sha256 == target_sha256; }
};

// Errors: "not_empty" (the target holds rows; nothing copied), "schema" (the target lacks a table
// or column of the source), "copy" (a database failure; the table being copied is rolled back).
// Returns the tables copied, in order.
Result<std::vector<std::string>> copy_database(store::Database& from, store::Database& to,
                                               const CopyProgress& progress);
// Counts and checksums every table of the source on both sides.
Result<std::vector<TableCheck>> verify_copy(store::Database& from, store::Database& to);

// `db copy --from URL --to URL`. Exit status: 0 copied and verified, 1 refused, failed or a
// mismatch, 2 a URL that is not a database URL.
void add_db_cli(CLI::App& db);

}  // namespace cells::admin
