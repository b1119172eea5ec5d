// Versioned schema migrations, applied in order on start; each runs in its own transaction and
// is recorded in schema_migrations, so a later start applies only what is new.
#pragma once
#include <cstddef>

#include "core/result.h"

namespace cells::store {
class Database;
Status migrate(Database& db);
// How many migrations this build knows (the schema version after migrate()).
std::size_t migration_count();
}  // namespace cells::store
