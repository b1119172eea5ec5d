#include "admin/db_copy.h"

#include <boost/json.hpp>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <filesystem>
#include <iomanip>
#include <iostream>
#include <variant>

#include "admin/channel.h"
#include "crypto/hash.h"

namespace cells::admin {

namespace {

using store::Database;

constexpr const char* kSchemaTable = "schema_migrations";  // each database keeps its own
constexpr std::size_t kParametersPerInsert = 900;           // well under SQLite's and libpq's limits

struct Table {
  std::string name;
  std::vector<std::string> columns;
};

// Database::run reports any exception as a bare "unavailable"; an operator moving a database
// needs the reason, so failures are caught here and named with what was being done.
template <typename F>
auto guarded(Database& db, const std::string& doing, F&& fn) -> decltype(fn(std::declval<soci::session&>())) {
  return db.run([&](soci::session& sql) -> decltype(fn(sql)) {
    try {
      return fn(sql);
    } catch (const std::exception& e) {
      return err("copy", doing + ": " + e.what());
    }
  });
}

template <typename F>
auto guarded_write(Database& db, const std::string& doing, F&& fn) -> decltype(fn(std::declval<soci::session&>())) {
  return db.write([&](soci::session& sql) -> decltype(fn(sql)) {
    try {
      return fn(sql);
    } catch (const std::exception& e) {
      return err("copy", doing + ": " + e.what());
    }
  });
}

// Names come from the catalog, but are still quoted: identifiers cannot be bound, and some
// (login_failures.key) are keywords somewhere.
std::string quoted(const std::string& identifier) {
  std::string out = "\"";
  for (char c : identifier) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

std::string column_list(const Table& t) {
  std::string out;
  for (const auto& c : t.columns) out += (out.empty() ? "" : ", ") + quoted(c);
  return out;
}

std::string select_all(const Table& t) { return "SELECT " + column_list(t) + " FROM " + quoted(t.name); }

// ---- the catalog: the only dialect-specific SQL here -------------------------------------------

// The first column of `query`, which binds `param` if given.
Result<std::vector<std::string>> strings(Database& db, const std::string& query, const std::string* param = nullptr) {
  return guarded(db, "reading the catalog", [&](soci::session& sql) -> Result<std::vector<std::string>> {
    std::vector<std::string> out;
    auto collect = [&](soci::rowset<std::string> rows) {
      for (const auto& s : rows) out.push_back(s);
    };
    if (param)
      collect((sql.prepare << query, soci::use(*param)));
    else
      collect(sql.prepare << query);
    return out;
  });
}

Result<std::vector<std::string>> table_names(Database& db) {
  auto names = db.backend() == store::Backend::sqlite
                   ? strings(db, "SELECT name FROM sqlite_master WHERE type = 'table' AND substr(name, 1, 7) <> 'sqlite_'")
                   : strings(db, "SELECT CAST(table_name AS TEXT) FROM information_schema.tables"
                                 " WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'");
  if (!names) return names;
  std::erase(*names, std::string(kSchemaTable));
  std::sort(names->begin(), names->end());
  return names;
}

Result<std::vector<std::string>> column_names(Database& db, const std::string& table) {
  return db.backend() == store::Backend::sqlite
             ? strings(db, "SELECT name FROM pragma_table_info(:t) ORDER BY cid", &table)
             : strings(db, "SELECT CAST(column_name AS TEXT) FROM information_schema.columns"
                           " WHERE table_schema = current_schema() AND table_name = :t ORDER BY ordinal_position", &table);
}

// The source's tables, each of which the target must have with at least the same columns (both
// were just migrated by this build, so a difference means a foreign table or schema).
Result<std::vector<Table>> tables_to_copy(Database& from, Database& to) {
  auto names = table_names(from);
  if (!names) return names.error();
  std::vector<Table> tables;
  for (const auto& name : *names) {
    auto source = column_names(from, name);
    if (!source) return source.error();
    auto target = column_names(to, name);
    if (!target) return target.error();
    if (target->empty()) return err("schema", "the target has no table '" + name + "' (not a cells table?)");
    for (const auto& c : *source)
      if (std::find(target->begin(), target->end(), c) == target->end())
        return err("schema", "the target's table '" + name + "' has no column '" + c + "'");
    tables.push_back({name, std::move(*source)});
  }
  return tables;
}

Result<long long> count_rows(Database& db, const Table& t) {
  return guarded(db, "counting " + t.name, [&](soci::session& sql) -> Result<long long> {
    long long n = 0;
    sql << "SELECT COUNT(*) FROM " + quoted(t.name), soci::into(n);
    return n;
  });
}

Status require_empty(Database& to, const std::vector<Table>& tables) {
  std::string holding;
  for (const auto& t : tables) {
    auto n = count_rows(to, t);
    if (!n) return n.error();
    if (*n) holding += (holding.empty() ? "" : ", ") + t.name + " (" + std::to_string(*n) + ")";
  }
  if (!holding.empty())
    return err("not_empty", "the target database already holds rows: " + holding +
                                "; copy only into an empty database (nothing was copied)");
  return ok();
}

// ---- values ------------------------------------------------------------------------------------

// A column value in the C++ type soci reported for it, so it is bound back with the same type.
struct Value {
  std::variant<std::string, int, long long, unsigned long long, double> v;
  soci::indicator ind = soci::i_ok;
};
using Row = std::vector<Value>;

Value read_value(const soci::row& r, std::size_t i) {
  if (r.get_indicator(i) == soci::i_null) return {std::string(), soci::i_null};
  switch (r.get_properties(i).get_data_type()) {
    case soci::dt_string: return {r.get<std::string>(i)};
    case soci::dt_integer: return {r.get<int>(i)};
    case soci::dt_long_long: return {r.get<long long>(i)};
    case soci::dt_unsigned_long_long: return {r.get<unsigned long long>(i)};
    case soci::dt_double: return {r.get<double>(i)};
    default: throw std::runtime_error("column '" + r.get_properties(i).get_name() + "' has an unsupported type");
  }
}

Row read_row(const soci::row& r) {
  Row row;
  for (std::size_t i = 0; i < r.size(); ++i) row.push_back(read_value(r, i));
  return row;
}

// The same text for the same value whichever backend and C++ type it came from (an INTEGER read
// as int on one side and long long on the other gives the same digits).
std::string canonical_text(const Value& value) {
  return std::visit(
      [](const auto& x) -> std::string {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, std::string>) {
          return x;
        } else {
          char buf[64];
          auto end = std::to_chars(buf, buf + sizeof buf, x).ptr;  // shortest round-trip for doubles
          return std::string(buf, end);
        }
      },
      value.v);
}

// Length-prefixed, so that no two different rows share an encoding ("N" cannot start a length).
std::string row_digest(const Row& row) {
  std::string encoded;
  for (const auto& value : row) {
    if (value.ind == soci::i_null) {
      encoded += 'N';
      continue;
    }
    auto text = canonical_text(value);
    encoded += std::to_string(text.size()) + ':' + text;
  }
  return crypto::sha256(encoded);
}

struct TableDigest {
  long long rows = 0;
  std::string sha256;
};

TableDigest digest_of(std::vector<std::string> row_digests) {
  std::sort(row_digests.begin(), row_digests.end());
  std::string all;
  all.reserve(row_digests.size() * 32);
  for (const auto& d : row_digests) all += d;
  return {static_cast<long long>(row_digests.size()), crypto::hex(crypto::sha256(all))};
}

Result<TableDigest> digest(Database& db, const Table& t) {
  return guarded(db, "checking " + t.name, [&](soci::session& sql) -> Result<TableDigest> {
    std::vector<std::string> digests;
    soci::rowset<soci::row> rows = (sql.prepare << select_all(t));
    for (const auto& r : rows) digests.push_back(row_digest(read_row(r)));
    return digest_of(std::move(digests));
  });
}

// ---- copying -----------------------------------------------------------------------------------

// Multi-row INSERTs on one session: the statement text holds placeholders only, every value is bound.
class BatchInsert {
 public:
  BatchInsert(soci::session& sql, const Table& t, std::function<void(long long)> flushed)
      : sql_(sql), table_(t), flushed_(std::move(flushed)),
        batch_rows_(std::max<std::size_t>(1, kParametersPerInsert / t.columns.size())) {}

  void add(Row row) {
    pending_.push_back(std::move(row));
    if (pending_.size() == batch_rows_) flush();
  }

  void flush() {
    if (pending_.empty()) return;
    soci::statement st(sql_);
    for (auto& row : pending_)
      for (auto& value : row) std::visit([&](auto& x) { st.exchange(soci::use(x, value.ind)); }, value.v);
    st.alloc();
    st.prepare(statement_text(pending_.size()));
    st.define_and_bind();
    st.execute(true);
    inserted_ += static_cast<long long>(pending_.size());
    pending_.clear();
    flushed_(inserted_);
  }

  long long inserted() const { return inserted_; }

 private:
  std::string statement_text(std::size_t rows) const {
    std::string text = "INSERT INTO " + quoted(table_.name) + " (" + column_list(table_) + ") VALUES ";
    std::size_t p = 0;
    for (std::size_t r = 0; r < rows; ++r) {
      text += r ? ", (" : "(";
      for (std::size_t c = 0; c < table_.columns.size(); ++c) text += (c ? ", :p" : ":p") + std::to_string(p++);
      text += ")";
    }
    return text;
  }

  soci::session& sql_;
  const Table& table_;
  std::function<void(long long)> flushed_;
  std::size_t batch_rows_;
  std::vector<Row> pending_;
  long long inserted_ = 0;
};

// One transaction on the target: a failure leaves the table as empty as it was.
Result<long long> copy_table(Database& from, Database& to, const Table& t, const CopyProgress& progress) {
  auto total = count_rows(from, t);
  if (!total) return total.error();
  progress(t.name, 0, *total);
  return guarded_write(to, "copying " + t.name, [&](soci::session& target) -> Result<long long> {
    BatchInsert insert(target, t, [&](long long n) { progress(t.name, n, *total); });
    return guarded(from, "copying " + t.name, [&](soci::session& source) -> Result<long long> {
      soci::rowset<soci::row> rows = (source.prepare << select_all(t));
      for (const auto& r : rows) insert.add(read_row(r));
      insert.flush();
      return insert.inserted();
    });
  });
}

// ---- the command -------------------------------------------------------------------------------

// One line per table on stderr: rewritten in place on a terminal, printed once when done otherwise.
class ProgressLine {
 public:
  explicit ProgressLine(bool tty) : tty_(tty) {}
  ~ProgressLine() { end_line(); }

  void update(const std::string& table, long long copied, long long total) {
    if (table != table_) end_line();
    table_ = table;
    copied_ = copied;
    total_ = total;
    if (tty_) std::cerr << "\r\033[K" << text() << std::flush;
  }

  void end_line() {
    if (table_.empty()) return;
    std::cerr << (tty_ ? "" : text()) << "\n";
    table_.clear();
  }

 private:
  std::string text() const {
    return "copying " + table_ + ": " + std::to_string(copied_) + "/" + std::to_string(total_) + " rows";
  }
  bool tty_;
  std::string table_;
  long long copied_ = 0, total_ = 0;
};

[[noreturn]] void fail(const std::string& message, int status = 1) {
  std::cerr << "error: " << message << "\n";
  std::exit(status);
}

// Database::open creates a missing SQLite file; a mistyped source path must not read as an
// empty installation that copies "successfully".
void require_source_file(const std::string& url) {
  if (!url.starts_with("sqlite:")) return;
  auto path = url.substr(7);
  if (!std::filesystem::is_regular_file(path)) fail("--from: no SQLite database at " + path);
  // The usual layout keeps the admin socket next to the database: refuse while a server answers.
  auto folder = std::filesystem::path(path).parent_path().string();
  auto answer = call(socket_path(folder.empty() ? "." : folder), {{"cmd", "ping"}});
  if (answer || answer.error().code != "no_server")
    fail("a cells server is running on " + (folder.empty() ? "." : folder) + ": stop it before copying its database");
}

std::shared_ptr<Database> open_or_exit(const char* flag, const std::string& url) {
  auto db = Database::open(url, 2);
  if (!db) fail(std::string(flag) + ": " + db.error().message, db.error().code == "config" ? 2 : 1);
  return *db;
}

void print_checks(const std::vector<TableCheck>& checks) {
  auto prefix = [](const std::string& hex) { return hex.substr(0, 16); };
  std::cout << std::left << std::setw(20) << "TABLE" << std::right << std::setw(10) << "SOURCE" << std::setw(10)
            << "TARGET" << "  " << std::left << std::setw(18) << "SHA-256 SOURCE" << std::setw(18) << "SHA-256 TARGET"
            << "RESULT\n";
  for (const auto& c : checks)
    std::cout << std::left << std::setw(20) << c.table << std::right << std::setw(10) << c.source_rows << std::setw(10)
              << c.target_rows << "  " << std::left << std::setw(18) << prefix(c.source_sha256) << std::setw(18)
              << prefix(c.target_sha256) << (c.matches() ? "ok" : "MISMATCH") << "\n";
}

int run_copy(const std::string& from_url, const std::string& to_url) {
  spdlog::set_level(spdlog::level::warn);  // migration notices are not this command's output
  if (from_url == to_url) fail("--from and --to name the same database");
  require_source_file(from_url);
  auto from = open_or_exit("--from", from_url);
  auto to = open_or_exit("--to", to_url);
  {
    ProgressLine line(::isatty(STDERR_FILENO));
    auto copied = copy_database(*from, *to, [&](const std::string& t, long long n, long long total) {
      line.update(t, n, total);
    });
    line.end_line();
    if (!copied) fail(copied.error().message);
  }
  auto checks = verify_copy(*from, *to);
  if (!checks) fail(checks.error().message);
  print_checks(*checks);
  long long rows = 0;
  std::string differing;
  for (const auto& c : *checks) {
    rows += c.source_rows;
    if (!c.matches()) differing += (differing.empty() ? "" : ", ") + c.table;
  }
  if (!differing.empty()) fail("verification failed for: " + differing);
  std::cout << "copied and verified " << checks->size() << " tables, " << rows << " rows\n";
  return 0;
}

}  // namespace

Result<std::vector<std::string>> copy_database(Database& from, Database& to, const CopyProgress& progress) {
  auto tables = tables_to_copy(from, to);
  if (!tables) return tables.error();
  if (auto st = require_empty(to, *tables); !st) return st.error();
  std::vector<std::string> copied;
  for (const auto& t : *tables) {
    if (auto n = copy_table(from, to, t, progress); !n) return n.error();
    copied.push_back(t.name);
  }
  return copied;
}

Result<std::vector<TableCheck>> verify_copy(Database& from, Database& to) {
  auto tables = tables_to_copy(from, to);
  if (!tables) return tables.error();
  std::vector<TableCheck> checks;
  for (const auto& t : *tables) {
    auto source = digest(from, t);
    if (!source) return source.error();
    auto target = digest(to, t);
    if (!target) return target.error();
    checks.push_back({t.name, source->rows, target->rows, source->sha256, target->sha256});
  }
  return checks;
}

void add_db_cli(CLI::App& db) {
  db.require_subcommand(1);
  static std::string from, to;
  auto* copy = db.add_subcommand("copy", "Copy every table of one database into an empty one, then verify the copy");
  copy->footer(R"(DESCRIPTION

  Moves an installation to another database, e.g. from its SQLite file to PostgreSQL. Unlike the
  other admin commands it does not talk to a running server: it opens both databases itself.
  STOP EVERY cells SERVER USING THE SOURCE FIRST, and start the server on the target only after
  the copy succeeded, with the same data folder (file contents live in DATA/blobs, not in the
  database).

  Both databases are first brought to this version's schema. The target must hold no rows in
  any cells table. Each table is copied in one transaction, then its row count and a checksum
  of its contents are compared on both sides.

EXIT STATUS

  0 copied and verified; 1 refused (target not empty, source missing or in use), failed, or a
  count or checksum differs; 2 a URL that is not sqlite:PATH or postgres://...

EXAMPLE

  $ cells admin db copy --from sqlite:./data/cells.db --to postgres://cells@db.example:5432/cells)");
  copy->add_option("--from", from, "Source database: sqlite:PATH or postgres://USER@HOST:PORT/DB")->required();
  copy->add_option("--to", to, "Target database, with no rows yet: sqlite:PATH or postgres://USER@HOST:PORT/DB")->required();
  copy->callback([] { std::exit(run_copy(from, to)); });
}

}  // namespace cells::admin
