// A fresh, migrated database per test on either backend, for storage tests written once and
// run on both (TEST_P over kBackends). SQLite: a file in the temp folder. PostgreSQL: a new
// database on the server named by CELLS_TEST_PG (ctest starts one; scripts/pg-test.sh), dropped
// afterwards. Without CELLS_TEST_PG the PostgreSQL cases are skipped, visibly.
#pragma once
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "store/database.h"

namespace cells::testing {

inline const store::Backend kBackends[] = {store::Backend::sqlite, store::Backend::postgresql};

std::string backend_name(const ::testing::TestParamInfo<store::Backend>& info);

class TestDatabase {
 public:
  explicit TestDatabase(store::Backend backend, std::size_t pool_size = 4);
  ~TestDatabase();
  bool skipped() const { return !db; }
  // A second, independent connection pool on the same database: another node.
  std::shared_ptr<store::Database> open_again(std::size_t pool_size = 4) const;

  std::string url;
  std::shared_ptr<store::Database> db;

 private:
  store::Backend backend_;
  std::string name_;
};

// Fixture for TEST_P(..., BACKEND) suites: `db()` is ready, or the test is skipped.
class BackendTest : public ::testing::TestWithParam<store::Backend> {
 protected:
  void SetUp() override {
    t_ = std::make_unique<TestDatabase>(GetParam());
    if (t_->skipped()) GTEST_SKIP() << "CELLS_TEST_PG is not set: no PostgreSQL server for this test";
  }
  std::shared_ptr<store::Database> db() { return t_->db; }
  TestDatabase& database() { return *t_; }

 private:
  std::unique_ptr<TestDatabase> t_;
};

}  // namespace cells::testing
