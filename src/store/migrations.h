// Versioned schema migrations, applied in order on start; each runs in its own transaction and
// is recorded in schema_migrations, so a later start applies only what is new.
#pragma once
#include "core/result.h"

namespace cells::store {
class Database;
Status migrate(Database& db);
}  // namespace cells::store
