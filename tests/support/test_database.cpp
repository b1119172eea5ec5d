#include "support/test_database.h"

#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <random>

namespace cells::testing {

namespace {
std::atomic<int> counter{0};

std::string unique_name() {
  std::random_device rd;
  return "ut_" + std::to_string(::getpid()) + "_" + std::to_string(counter++) + "_" + std::to_string(rd() % 100000);
}

// The server URL with its database path replaced by `name`.
std::string with_database(const std::string& url, const std::string& name) {
  auto scheme_end = url.find("://") + 3;
  auto path = url.find('/', scheme_end);
  auto query = url.find('?', scheme_end);
  std::string rest = query == std::string::npos ? "" : url.substr(query);
  return url.substr(0, path == std::string::npos ? query : std::min(path, query)) + "/" + name + rest;
}

void admin_sql(const std::string& server_url, const std::string& statement) {
  soci::session sql("postgresql", server_url);
  sql << statement;
}
}  // namespace

std::string backend_name(const ::testing::TestParamInfo<store::Backend>& info) {
  return info.param == store::Backend::sqlite ? "sqlite" : "postgres";
}

TestDatabase::TestDatabase(store::Backend backend, std::size_t pool_size) : backend_(backend) {
  name_ = unique_name();
  if (backend == store::Backend::sqlite) {
    url = "sqlite:" + (std::filesystem::temp_directory_path() / (name_ + ".db")).string();
  } else {
    const char* server = std::getenv("CELLS_TEST_PG");
    if (!server || !*server) return;
    admin_sql(server, "CREATE DATABASE " + name_);
    url = with_database(server, name_);
  }
  auto opened = store::Database::open(url, pool_size);
  if (!opened) throw std::runtime_error(opened.error().message);
  db = *opened;
}

std::shared_ptr<store::Database> TestDatabase::open_again(std::size_t pool_size) const {
  auto opened = store::Database::open(url, pool_size);
  if (!opened) throw std::runtime_error(opened.error().message);
  return *opened;
}

TestDatabase::~TestDatabase() {
  db.reset();
  if (url.empty()) return;
  if (backend_ == store::Backend::sqlite) {
    for (auto suffix : {"", "-wal", "-shm"}) std::filesystem::remove(url.substr(7) + suffix);
  } else {
    try {
      admin_sql(std::getenv("CELLS_TEST_PG"), "DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)");
    } catch (...) {
    }
  }
}

}  // namespace cells::testing
